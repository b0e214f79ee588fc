"""The three shells in headless Chromium (Debian's, never downloaded): render, no external requests, mobile
usable at 375 px without horizontal scrolling. Screenshots go to var/screenshots/ui-*.png."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.urls("egov_base.tests.ui.urls_for_tests")]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def chromium(browser):
    """The session's Debian Chromium from tests/e2e/conftest.py."""
    return browser


def _page(browser, **ctx):
    context = browser.new_context(locale="zh-CN", **ctx)
    page = context.new_page()
    page.external = []

    def route(r):
        host = urlsplit(r.request.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            page.external.append(r.request.url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    page.set_default_timeout(20_000)
    return page


def _login(page, base, username):
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_shells_in_browser(chromium, live_server, users, settings):
    settings.AXES_ENABLED = False
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = _page(chromium, viewport={"width": 1366, "height": 860})
    page.goto(base + "/login/")
    page.screenshot(path=str(SHOTS / "ui-login.png"))
    _login(page, base, "leader")
    assert page.url.rstrip("/") == base
    assert page.locator("text=领导驾驶舱").count() == 1
    page.screenshot(path=str(SHOTS / "ui-backend-home.png"), full_page=True)
    assert page.locator("aside.egov-sidebar").is_visible()
    assert page.external == []

    page = _page(chromium, viewport={"width": 1366, "height": 860})
    _login(page, base, "dept_user")
    assert page.url == base + "/portal/"
    assert page.locator("text=服务入口").is_visible()
    page.screenshot(path=str(SHOTS / "ui-portal-home.png"), full_page=True)

    mobile = _page(chromium, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    _login(mobile, base, "dept_user")
    mobile.goto(base + "/m/")
    assert mobile.locator(".egov-tabbar").is_visible()
    overflow = mobile.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    tab_height = mobile.evaluate("document.querySelector('.egov-tabbar a').getBoundingClientRect().height")
    assert tab_height >= 44  # touch target
    mobile.screenshot(path=str(SHOTS / "ui-mobile-home.png"), full_page=True)
    assert mobile.external == [] and page.external == []
