"""The inbox (/inbox/) and the message centre (/notify/) in a real browser: tasks opened through
``egov_base.inbox.services.task_open`` show with their count and overdue mark; a ``notify()`` message shows in
the message centre and the bell count; marking it read works (HTMX POST with the CSRF header)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .helpers import assert_chinese, assert_local, shot, wait_htmx

pytestmark = pytest.mark.e2e


def test_inbox_lists_open_tasks_with_count_and_overdue_mark(login_as, page, users):
    from egov_base.inbox.services import task_open

    me = users["service_desk"]
    now = timezone.now()
    task_open(
        assignees=[me],
        title="审核锦江区行政审批局政务云资源申请（YW-2026-0107）",
        key="e2e:inbox:overdue",
        due_at=now - dt.timedelta(hours=3),
        source="资源申请",
        url="/inbox/",
        notify=False,
    )
    task_open(
        assignees=[me],
        title="处理青羊区电子政务外网接入工单（GD-2026-0311）",
        key="e2e:inbox:ontime",
        due_at=now + dt.timedelta(days=2),
        source="工单",
        url="/inbox/",
        notify=False,
    )
    # a retry with the same key duplicates nothing
    task_open(
        assignees=[me],
        title="处理青羊区电子政务外网接入工单（GD-2026-0311）",
        key="e2e:inbox:ontime",
        due_at=now + dt.timedelta(days=2),
        source="工单",
        url="/inbox/",
        notify=False,
    )
    # somebody else's task never shows
    task_open(assignees=[users["ops"]], title="巡检天府新区机房精密空调", key="e2e:inbox:other", notify=False)

    login_as("service_desk")
    page.goto("/inbox/")
    assert_chinese(
        page,
        "我的待办",
        "审核锦江区行政审批局政务云资源申请（YW-2026-0107）",
        "处理青羊区电子政务外网接入工单（GD-2026-0311）",
        "已超期",
        "1 项已超期",
    )
    assert page.get_by_text("巡检天府新区机房精密空调").count() == 0
    rows = page.locator("#inbox-list tbody tr")
    assert rows.count() == 2
    todo_tab = page.locator(".card-header-tabs .nav-link.active")
    assert todo_tab.locator(".badge").inner_text().strip() == "2"
    header_badge = page.locator("[data-egov=todo-count]")
    assert header_badge.is_visible() and header_badge.inner_text().strip() == "2"
    overdue_row = page.locator("#inbox-list tbody tr", has_text="YW-2026-0107")
    assert overdue_row.get_by_text("已超期").is_visible()
    assert "bg-red-lt" in (overdue_row.get_attribute("class") or "")
    ontime_row = page.locator("#inbox-list tbody tr", has_text="GD-2026-0311")
    assert ontime_row.get_by_text("已超期").count() == 0
    shot(page, "inbox_todo")

    # only the overdue ones
    page.locator("a", has_text="1 项已超期").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#inbox-list tbody tr").count() == 1
    assert_chinese(page, "YW-2026-0107")
    shot(page, "inbox_overdue")
    assert_local(page)


def test_message_centre_bell_and_mark_read(login_as, page, users):
    from egov_base.notify.models import Message
    from egov_base.notify.services import notify

    me = users["ops"]
    notify(
        [me],
        "notify.message",
        {
            "title": "政务云平台计划维护通知",
            "body": "11 月 30 日 00:00–04:00 进行存储扩容，期间部分云主机可能短暂中断。",
        },
        key="e2e:notify:maintenance",
    )
    notify(
        [me], "notify.message", {"title": "政务云平台计划维护通知", "body": "重复发送"}, key="e2e:notify:maintenance"
    )  # same key: no second message
    notify([users["dept_user"]], "notify.message", {"title": "不应出现的他人消息", "body": "—"}, key="e2e:notify:other")
    assert Message.objects.filter(recipient=me).count() == 1

    login_as("ops")
    bell = page.locator("[data-egov=unread-count]")
    assert bell.is_visible() and bell.inner_text().strip() == "1"
    shot(page, "notify_bell_home")

    page.goto("/notify/")
    assert_chinese(page, "消息中心", "政务云平台计划维护通知", "进行存储扩容", "标为已读", "全部标为已读")
    assert page.get_by_text("不应出现的他人消息").count() == 0
    assert page.locator(".nav-link", has_text="未读").locator(".badge").inner_text().strip() == "1"
    shot(page, "notify_messages_unread")

    msg = Message.objects.get(recipient=me)
    row = page.locator(f"#msg-{msg.pk}")
    row.get_by_role("button", name="标为已读").click()
    wait_htmx(page)
    page.wait_for_function(f"() => !document.querySelector('#msg-{msg.pk} button')")
    msg.refresh_from_db()
    assert msg.read_at is not None
    shot(page, "notify_messages_read")

    page.reload()
    assert page.locator("[data-egov=unread-count]").count() == 0
    assert page.locator(".nav-link", has_text="未读").locator(".badge").inner_text().strip() == "0"
    assert_chinese(page, "政务云平台计划维护通知")
    assert_local(page)


def test_message_mark_all_read(login_as, page, users):
    from egov_base.notify.models import Message
    from egov_base.notify.services import notify

    me = users["reviewer"]
    for i, title in enumerate(["锦江区云主机扩容申请已受理", "青羊区数据共享申请待审核"]):
        notify([me], "notify.message", {"title": title, "body": "请及时处理。"}, key=f"e2e:notify:all:{i}")
    login_as("reviewer")
    page.goto("/notify/")
    assert_chinese(page, "锦江区云主机扩容申请已受理", "青羊区数据共享申请待审核")
    with page.expect_navigation():
        page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state("networkidle")
    assert Message.objects.filter(recipient=me, read_at__isnull=True).count() == 0
    assert page.locator("[data-egov=unread-count]").count() == 0
    shot(page, "notify_all_read")
    assert_local(page)
