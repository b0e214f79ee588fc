import threading

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection

from egov_base.inbox.models import Task
from egov_base.inbox.selectors import inbox_counts
from egov_base.workflow import TransitionError, available_transitions, run_transition
from egov_base.workflow.models import ProcessLog
from egov_base.workflow.selectors import process_trace
from tests.testapp.models import LeaveRequest


@pytest.fixture
def leave(users, orgs):
    return LeaveRequest.objects.create(organization=orgs["jinjiang"], applicant=users["dept_user"], reason="家中有事", days=2)


@pytest.fixture
def approver(users):
    u = users["reviewer"]
    u.user_permissions.add(Permission.objects.get(codename="approve_leaverequest"))
    return type(u).objects.get(pk=u.pk)


def test_submit_writes_log_and_opens_group_task(leave, users):
    run_transition(leave, "submit", user=users["dept_user"], comment="请审核")
    assert leave.state == "submitted"
    log = ProcessLog.objects.get()
    assert (log.from_state, log.to_state, log.action) == ("draft", "submitted", "submit")
    assert (log.from_label, log.to_label, log.action_label) == ("草稿", "待审核", "提交")
    assert log.actor == users["dept_user"] and log.actor_org == "锦江区行政审批局" and log.comment == "请审核"
    task = Task.objects.get(status="open")
    assert task.assignee is None and task.candidate_roles == ["reviewer"] and task.due_at is not None
    assert inbox_counts(users["reviewer"])["todo"] == 1
    assert inbox_counts(users["ops"])["todo"] == 0


def test_permission_denied(leave, users):
    with pytest.raises(PermissionDenied):
        run_transition(leave, "submit", user=users["jj_admin"])
    leave.refresh_from_db()
    assert leave.state == "draft" and not ProcessLog.objects.exists()


def test_data_scope_denied(leave, users, make_user):
    other = make_user("qy_user", "dept_user", "qingyang")
    with pytest.raises(PermissionDenied):
        run_transition(leave, "submit", user=other)


def test_guard_failed_lists_conditions(users, orgs):
    obj = LeaveRequest.objects.create(organization=orgs["jinjiang"], applicant=users["dept_user"], reason="", days=40)
    with pytest.raises(TransitionError) as exc:
        run_transition(obj, "submit", user=users["dept_user"])
    msg = exc.value.messages[0]
    assert "已填写请假事由" in msg and "请假天数不超过 30 天" in msg
    obj.refresh_from_db()
    assert obj.state == "draft" and not Task.objects.exists()


def test_double_submit_runs_once(leave, users):
    stale = LeaveRequest.objects.get(pk=leave.pk)
    run_transition(leave, "submit", user=users["dept_user"])
    with pytest.raises(TransitionError) as exc:
        run_transition(stale, "submit", user=users["dept_user"])
    assert "已无法执行" in exc.value.messages[0]
    assert ProcessLog.objects.count() == 1 and Task.objects.filter(status="open").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_click(roles, orgs, make_user):
    user = make_user("applicant2", "dept_user", "jinjiang")
    obj = LeaveRequest.objects.create(organization=orgs["jinjiang"], applicant=user, reason="病假", days=1)
    results = []

    def click():
        try:
            run_transition(LeaveRequest.objects.get(pk=obj.pk), "submit", user=user)
            results.append("ok")
        except TransitionError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == ["ok", "refused"]
    assert ProcessLog.objects.filter(object_id=str(obj.pk)).count() == 1


def test_approve_closes_task_and_opens_toread(leave, users, approver):
    run_transition(leave, "submit", user=users["dept_user"])
    assert [t.name for t in available_transitions(leave, approver)] == ["approve", "reject"]
    assert available_transitions(leave, users["dept_user"]) == []
    run_transition(leave, "approve", user=approver, comment="同意")
    group = Task.objects.get(candidate_roles=["reviewer"])
    assert group.status == "done" and group.completed_by == approver and group.result == "approve"
    toread = Task.objects.get(kind="toread")
    assert toread.assignee == users["dept_user"] and toread.status == "open"
    assert inbox_counts(approver)["done"] == 1
    rows = process_trace(leave)
    assert len(rows) == 2 and rows[0]["duration"] is None and rows[1]["duration"] is not None


def test_trace_view_scoped(client, leave, users, approver):
    from django.contrib.contenttypes.models import ContentType

    run_transition(leave, "submit", user=users["dept_user"], comment="请审核")
    ct = ContentType.objects.get_for_model(LeaveRequest)
    approver.user_permissions.add(Permission.objects.get(codename="view_leaverequest"))
    client.force_login(approver)
    r = client.get(f"/workflow/trace/{ct.pk}/{leave.pk}/")
    assert r.status_code == 200 and "请审核" in r.content.decode() and "草稿" in r.content.decode()
    qy = users["qy_admin"]
    qy.user_permissions.add(Permission.objects.get(codename="view_leaverequest"))
    client.force_login(qy)
    assert client.get(f"/workflow/trace/{ct.pk}/{leave.pk}/").status_code == 404


def test_transition_view_post(client, leave, users):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(LeaveRequest)
    users["dept_user"].user_permissions.add(Permission.objects.get(codename="view_leaverequest"))
    client.force_login(users["dept_user"])
    r = client.post(f"/workflow/transition/{ct.pk}/{leave.pk}/submit/", {"comment": "提交"})
    assert r.status_code == 302
    leave.refresh_from_db()
    assert leave.state == "submitted"
    r = client.post(f"/workflow/transition/{ct.pk}/{leave.pk}/submit/", {"comment": "again"}, follow=True)
    assert ProcessLog.objects.count() == 1
