from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from egov_base.inbox.models import Task
from egov_base.inbox.selectors import inbox_counts, inbox_list
from egov_base.inbox.services import (
    send_due_reminders,
    task_cancel,
    task_claim,
    task_complete,
    task_mark_read,
    task_open,
)


def test_task_open_idempotent(users):
    a = task_open(assignees=[users["ops"], users["reviewer"]], title="处理工单 SR-2026-000001", key="sr:1:handle")
    b = task_open(assignees=[users["ops"], users["reviewer"]], title="处理工单 SR-2026-000001", key="sr:1:handle")
    assert [t.pk for t in a] == [t.pk for t in b] and Task.objects.count() == 2
    with pytest.raises(ValidationError):
        task_open(title="x", key="k")


def test_counts_and_boxes(users):
    past = timezone.now() - timedelta(hours=1)
    task_open(assignees=[users["ops"]], title="超期工单", key="t1", due_at=past)
    task_open(assignees=[users["ops"]], title="普通工单", key="t2")
    task_open(assignees=[users["ops"]], title="通知：机房巡检", key="n1", kind="toread")
    task_complete(key="t2", user=users["ops"], result="已处理")
    read = Task.objects.get(key="n1")
    task_mark_read(task=read, user=users["ops"])
    assert inbox_counts(users["ops"]) == {"todo": 1, "done": 1, "toread": 0, "read": 1, "overdue": 1}
    assert [t.title for t in inbox_list(users["ops"], "todo", overdue=True)] == ["超期工单"]
    assert inbox_counts(users["reviewer"])["todo"] == 0
    with pytest.raises(PermissionDenied):
        task_mark_read(task=read, user=users["reviewer"])


def test_complete_cancels_others_and_reopen_after_done(users):
    task_open(assignees=[users["ops"], users["reviewer"]], title="会签", key="k1")
    assert task_complete(key="k1", user=users["ops"]) == 1
    assert set(Task.objects.values_list("status", flat=True)) == {"done", "cancelled"}
    assert task_complete(key="k1", user=users["ops"]) == 0
    task_open(assignees=[users["ops"]], title="再次", key="k1")  # a closed key can open again
    assert Task.objects.filter(key="k1", status="open").count() == 1
    assert task_cancel(key="k1") == 1


def test_group_task_claim_scoped_by_org(users, orgs, make_user):
    jj2 = make_user("jj_admin2", "district_admin", "jinjiang")
    [task] = task_open(roles=["district_admin"], org=orgs["jinjiang"], title="区县资源申请", key="g1")
    assert inbox_counts(users["jj_admin"])["todo"] == 1
    assert inbox_counts(users["qy_admin"])["todo"] == 0
    with pytest.raises(PermissionDenied):
        task_claim(task=task, user=users["qy_admin"])
    task_claim(task=task, user=users["jj_admin"])
    with pytest.raises(ValidationError):
        task_claim(task=task, user=jj2)
    assert inbox_counts(jj2)["todo"] == 0


def test_due_reminders_once_per_stage(users):
    now = timezone.now()
    task_open(assignees=[users["ops"]], title="即将到期", key="r1", due_at=now + timedelta(hours=2))
    task_open(assignees=[users["ops"]], title="已经超期", key="r2", due_at=now - timedelta(hours=2))
    assert send_due_reminders(now=now) == {"due_soon": 1, "overdue": 1}
    assert send_due_reminders(now=now) == {"due_soon": 0, "overdue": 0}
    assert send_due_reminders(now=now + timedelta(hours=3)) == {"due_soon": 0, "overdue": 1}
    assert send_due_reminders(now=now + timedelta(hours=3)) == {"due_soon": 0, "overdue": 0}


def test_inbox_pages_and_api(client, users):
    task_open(assignees=[users["ops"]], title="核查告警 ALM-001", key="a1", url="/cmdb/ci/1/",
              due_at=timezone.now() - timedelta(hours=1), source="egov_monitoring_bridge")
    task_open(assignees=[users["reviewer"]], title="别人的事项", key="a2")
    client.force_login(users["ops"])
    html = client.get("/inbox/").content.decode()
    assert "核查告警 ALM-001" in html and "别人的事项" not in html and "已超期" in html
    assert client.get("/inbox/badge/").status_code == 200
    other = Task.objects.get(key="a2")
    assert client.get(f"/inbox/{other.pk}/open/").status_code == 404
    mine = Task.objects.get(key="a1")
    r = client.get(f"/inbox/{mine.pk}/open/")
    assert r.status_code == 302 and r["Location"] == "/cmdb/ci/1/"

    from rest_framework.test import APIClient

    from egov_base.inbox import api

    api_client = APIClient()
    api_client.force_authenticate(users["ops"])
    from django.test import RequestFactory
    from rest_framework.test import force_authenticate

    rf = RequestFactory()
    req = rf.get("/api/v1/inbox/counts/")
    force_authenticate(req, user=users["ops"])
    assert api.InboxCountsView.as_view()(req).data["todo"] == 1
    req = rf.get("/api/v1/inbox/", {"box": "todo"})
    force_authenticate(req, user=users["ops"])
    data = api.InboxListView.as_view()(req).data
    assert [r["title"] for r in data["results"]] == ["核查告警 ALM-001"] and data["results"][0]["overdue"]
    req = rf.post(f"/api/v1/inbox/{other.pk}/read/")
    force_authenticate(req, user=users["ops"])
    assert api.TaskReadView.as_view()(req, pk=other.pk).status_code == 404


def test_notifications_through_notify_area(users, django_capture_on_commit_callbacks):
    notify_models = pytest.importorskip("egov_base.notify.models")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        task_open(assignees=[users["ops"]], title="机房巡检", key="nt1", due_at=now - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        task_open(assignees=[users["ops"]], title="机房巡检", key="nt1", due_at=now - timedelta(minutes=5))
    msgs = notify_models.Message.objects.filter(recipient=users["ops"])
    assert msgs.filter(event="inbox.task_assigned").count() == 1
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            send_due_reminders(now=now)
    assert msgs.filter(event="inbox.task_overdue").count() == 1
