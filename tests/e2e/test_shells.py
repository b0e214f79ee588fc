"""UI shells in a real browser: the department portal (/portal/) and the mobile H5 shell (/m/) at a 375x812
viewport render in Chinese without horizontal overflow, and the language switch turns them English."""

from __future__ import annotations

import pytest

from .conftest import DEFAULT_TIMEOUT_MS, _guard_external, has_cjk, login
from .helpers import assert_chinese, assert_local, shot, switch_language

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone_page(browser, live_server):
    """A 375x812 phone page (iPhone X/11 Pro class), every external request aborted and recorded."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    external = _guard_external(context)
    page = context.new_page()
    page.external_requests = external
    yield page
    context.close()


def _scroll_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def _wide_elements(page, limit: int = 375) -> list[str]:
    """Elements sticking out to the right of the viewport (for a helpful failure message)."""
    return page.evaluate(
        """(limit) => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > limit + 1 && getComputedStyle(e).position !== 'fixed')
            .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
                ' right=' + Math.round(e.getBoundingClientRect().right))""",
        limit,
    )


def _assert_no_overflow(page, limit: int = 375):
    width = _scroll_width(page)
    assert width <= limit, f"horizontal overflow on {page.url}: scrollWidth={width}; {_wide_elements(page, limit)}"


def _seed_portal(users):
    from egov_base.inbox.services import task_open

    task_open(
        assignees=[users["dept_user"]],
        title="补充锦江区政务云资源申请材料（YW-2026-0107）",
        key="e2e:shell:todo",
        source="资源申请",
        url="/inbox/",
        notify=False,
    )


def test_portal_home_for_department_user(login_as, page, users):
    _seed_portal(users)
    login_as("dept_user")
    page.goto("/portal/")
    assert_chinese(page, "一站式政务云网服务", "服务入口", "我的待办", "通知公告", "补充锦江区政务云资源申请材料")
    assert page.evaluate("() => document.documentElement.lang").lower().startswith("zh")
    shot(page, "portal_home_zh")

    switch_language(page, "en")
    assert "/portal" in page.url
    body = page.locator("body").inner_text()
    for text in ("One-stop government cloud and network services", "Service entries", "Notices"):
        assert text in body, f"“{text}” missing from the English portal"
    assert page.evaluate("() => document.documentElement.lang") == "en"
    shot(page, "portal_home_en")

    # back to Chinese for the next visit
    switch_language(page, "zh-hans")
    assert_chinese(page, "一站式政务云网服务")
    assert_local(page)


def test_portal_fits_a_phone(phone_page, users):
    from conftest import TEST_PASSWORD

    _seed_portal(users)
    login(phone_page, "dept_user", TEST_PASSWORD)
    phone_page.goto("/portal/")
    assert_chinese(phone_page, "一站式政务云网服务", "通知公告")
    shot(phone_page, "portal_home_375")
    _assert_no_overflow(phone_page)
    assert_local(phone_page)


def test_mobile_h5_at_375_chinese_no_overflow_then_english(phone_page, users):
    from conftest import TEST_PASSWORD

    _seed_portal(users)
    login(phone_page, "dept_user", TEST_PASSWORD)
    phone_page.goto("/m/")
    assert_chinese(phone_page, "政务云网服务", "我的待办", "通知公告")
    tabbar = phone_page.locator("a", has_text="待办")
    assert tabbar.count() >= 1
    shot(phone_page, "mobile_home_zh")
    _assert_no_overflow(phone_page)

    for path, name, texts in (
        ("/m/todo/", "todo", ("补充锦江区政务云资源申请材料",)),
        ("/m/messages/", "messages", ()),
        ("/m/me/", "me", ("界面语言",)),
    ):
        phone_page.goto(path)
        assert has_cjk(phone_page.locator("body").inner_text())
        if texts:
            assert_chinese(phone_page, *texts)
        shot(phone_page, f"mobile_{name}_zh")
        _assert_no_overflow(phone_page)

    # the visible language select on "我的" submits itself on change
    with phone_page.expect_navigation():
        phone_page.locator("select[name=language]").select_option("en")
    phone_page.wait_for_load_state("networkidle")
    phone_page.goto("/m/")
    body = phone_page.locator("body").inner_text()
    for text in ("Gov Cloud & Network", "My inbox", "Notices"):
        assert text in body, f"“{text}” missing from the English mobile home"
    shot(phone_page, "mobile_home_en")
    _assert_no_overflow(phone_page)
    assert_local(phone_page)
