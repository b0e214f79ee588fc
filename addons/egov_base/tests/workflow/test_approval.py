from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from egov_base.inbox.models import Task
from egov_base.workflow.approval import (
    approval_act,
    approval_check_sla,
    approval_start,
    chain_save,
    validate_form,
)
from egov_base.workflow.models import ApprovalInstance, ApprovalStep, ProcessLog
from egov_base.workflow.signals import approval_finished
from tests.testapp.models import LeaveRequest

NODES = [
    {"name": "区县管理员审核", "assignee_type": "district_role", "role_code": "district_admin", "sla_hours": 8,
     "actions": ["approve", "return", "reject", "transfer"],
     "form_fields": [{"name": "opinion", "label": "审核结论", "type": "select", "required": True, "options": ["符合", "不符合"]}]},
    {"name": "中心评审", "assignee_type": "role", "role_code": "reviewer", "sla_hours": 24, "actions": ["approve", "return", "reject"]},
    {"name": "中心领导审批", "assignee_type": "role", "role_code": "centre_leader", "actions": ["approve", "reject"]},
]


@pytest.fixture
def chain(users):
    users["sysadmin"].is_superuser = True
    users["sysadmin"].save()
    return chain_save(user=users["sysadmin"], data={"code": "leave", "name": "请假审批"}, nodes=NODES)


@pytest.fixture
def leave(users, orgs):
    return LeaveRequest.objects.create(organization=orgs["jinjiang"], applicant=users["dept_user"], reason="年假", days=3)


@pytest.fixture
def finished():
    got = []

    def receiver(sender, instance, result, **kw):
        got.append((instance.pk, result))

    approval_finished.connect(receiver)
    yield got
    approval_finished.disconnect(receiver)


def test_approve_through_all_nodes(chain, leave, users, finished):
    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    assert approval_start(chain_code="leave", obj=leave, user=users["dept_user"]).pk == inst.pk  # idempotent
    step = inst.steps.get()
    assert step.assignee == users["jj_admin"]  # district rule: 锦江区, not 青羊区
    assert Task.objects.get(key=step.task_key, status="open").assignee == users["jj_admin"]
    with pytest.raises(ValidationError) as exc:
        approval_act(instance=inst, user=users["jj_admin"], action="approve")
    assert "审核结论" in exc.value.messages[0]
    approval_act(instance=inst, user=users["jj_admin"], action="approve", comment="同意", form_data={"opinion": "符合"})
    approval_act(instance=inst, user=users["reviewer"], action="approve")
    approval_act(instance=inst, user=users["leader"], action="approve")
    inst.refresh_from_db()
    assert inst.status == "approved" and finished == [(inst.pk, "approved")]
    assert not Task.objects.filter(status="open", kind="todo").exists()
    assert Task.objects.filter(status="done").count() == 3
    assert list(ProcessLog.objects.values_list("action", flat=True)) == ["approval_start", "approve", "approve", "approve"]
    assert inst.steps.get(node_index=0).form_data == {"opinion": "符合"}


def test_double_submit_and_non_assignee(chain, leave, users):
    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    step = inst.steps.get()
    with pytest.raises(PermissionDenied):
        approval_act(step=step, user=users["qy_admin"], action="approve", form_data={"opinion": "符合"})
    with pytest.raises(PermissionDenied):
        approval_act(instance=inst, user=users["qy_admin"], action="approve")
    approval_act(step=step, user=users["jj_admin"], action="approve", form_data={"opinion": "符合"})
    with pytest.raises(ValidationError) as exc:
        approval_act(step=step, user=users["jj_admin"], action="approve", form_data={"opinion": "符合"})
    assert "重复提交" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        approval_act(instance=inst, user=users["jj_admin"], action="approve", form_data={"opinion": "符合"})
    assert inst.steps.filter(node_index=1).count() == 1


def test_return_goes_back_and_to_applicant(chain, leave, users, finished):
    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    approval_act(instance=inst, user=users["jj_admin"], action="approve", form_data={"opinion": "符合"})
    with pytest.raises(ValidationError):
        approval_act(instance=inst, user=users["reviewer"], action="return")  # comment required
    approval_act(instance=inst, user=users["reviewer"], action="return", comment="材料不全")
    inst.refresh_from_db()
    assert inst.current_index == 0 and inst.round == 2
    assert inst.steps.filter(status="pending").get().assignee == users["jj_admin"]
    approval_act(instance=inst, user=users["jj_admin"], action="return", comment="请补充")
    inst.refresh_from_db()
    assert inst.status == "cancelled" and finished == [(inst.pk, "cancelled")]
    assert Task.objects.get(kind="toread").assignee == users["dept_user"]


def test_reject_ends(chain, leave, users, finished):
    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    approval_act(instance=inst, user=users["jj_admin"], action="reject", comment="不符合规定")
    inst.refresh_from_db()
    assert inst.status == "rejected" and finished == [(inst.pk, "rejected")]
    assert not Task.objects.filter(status="open").exists()


def test_transfer(chain, leave, users, make_user):
    deputy = make_user("jj_staff", "dept_user", "jinjiang")
    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    approval_act(instance=inst, user=users["jj_admin"], action="transfer", transfer_to=deputy, comment="请代为审核")
    step = inst.steps.get()
    assert step.assignee == deputy and step.transferred_from == users["jj_admin"] and step.status == "pending"
    assert Task.objects.get(status="open").assignee == deputy
    with pytest.raises(PermissionDenied):
        approval_act(step=step, user=users["jj_admin"], action="approve", form_data={"opinion": "符合"})
    approval_act(step=step, user=deputy, action="approve", form_data={"opinion": "符合"})
    assert inst.steps.get(node_index=1).assignee == users["reviewer"]


def test_countersign_all(users, leave, make_user):
    users["sysadmin"].is_superuser = True
    users["sysadmin"].save()
    r2 = make_user("reviewer2", "reviewer", "centre")
    chain_save(user=users["sysadmin"], data={"code": "cs", "name": "会签"},
               nodes=[{"name": "会签", "assignee_type": "role", "role_code": "reviewer", "countersign": "all", "actions": ["approve", "reject"]}])
    inst = approval_start(chain_code="cs", obj=leave, user=users["dept_user"])
    approval_act(instance=inst, user=users["reviewer"], action="approve")
    inst.refresh_from_db()
    assert inst.status == "running"
    approval_act(instance=inst, user=r2, action="approve")
    inst.refresh_from_db()
    assert inst.status == "approved"


def test_designer_edit_keeps_running_snapshot(chain, leave, users):
    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    chain_save(user=users["sysadmin"], chain=chain, data={"code": "leave", "name": "请假审批"}, nodes=NODES[2:])
    chain.refresh_from_db()
    assert chain.version == 2 and chain.nodes.count() == 1
    inst.refresh_from_db()
    assert inst.chain_version == 1 and len(inst.nodes) == 3
    approval_act(instance=inst, user=users["jj_admin"], action="approve", form_data={"opinion": "符合"})
    assert inst.steps.get(node_index=1).node_name == "中心评审"


def test_designer_validation(users):
    users["sysadmin"].is_superuser = True
    users["sysadmin"].save()
    with pytest.raises(ValidationError) as exc:
        chain_save(user=users["sysadmin"], data={"code": "1bad", "name": ""},
                   nodes=[{"name": "x", "assignee_type": "role", "role_code": "nope", "actions": ["reject"],
                           "sla_hours": "abc", "form_fields": [{"name": "A B", "type": "text"}]}])
    text = "".join(exc.value.messages)
    for part in ("流程编码", "流程名称", "有效的角色", "同意", "办理时限", "表单字段"):
        assert part in text
    with pytest.raises(PermissionDenied):
        chain_save(user=users["dept_user"], data={"code": "x1", "name": "x"}, nodes=NODES)


def test_validate_form_types():
    fields = [{"name": "n", "label": "数量", "type": "number", "required": True},
              {"name": "d", "label": "日期", "type": "date"}]
    assert validate_form(fields, {"n": "3", "d": "2026-03-01"}) == {"n": 3, "d": "2026-03-01"}
    with pytest.raises(ValidationError) as exc:
        validate_form(fields, {"n": "x", "d": "明天"})
    assert len(exc.value.messages) == 2


def test_sla_overdue_reminded_once(chain, leave, users):
    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    step = inst.steps.get()
    later = timezone.now() + timedelta(hours=9)
    assert approval_check_sla(now=later)["overdue"] == 1
    assert approval_check_sla(now=later)["overdue"] == 0
    step.refresh_from_db()
    assert step.overdue and not step.escalated
    much_later = timezone.now() + timedelta(hours=17)
    assert approval_check_sla(now=much_later)["escalated"] == 1
    assert approval_check_sla(now=much_later)["escalated"] == 0
    assert Task.objects.get(kind="toread").assignee == users["dept_head"]


def test_panel_and_act_view(client, chain, leave, users):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    inst = approval_start(chain_code="leave", obj=leave, user=users["dept_user"])
    jj = users["jj_admin"]
    jj.user_permissions.add(Permission.objects.get(codename="view_leaverequest"))
    client.force_login(jj)
    ct = ContentType.objects.get_for_model(LeaveRequest)
    html = client.get(f"/workflow/approval/panel/{ct.pk}/{leave.pk}/").content.decode()
    assert "区县管理员审核" in html and 'value="approve"' in html
    r = client.post(f"/workflow/approval/{inst.pk}/act/", {"action": "approve", "form_opinion": "符合", "comment": "可以"})
    assert r.status_code == 302
    assert inst.steps.get(node_index=0).status == ApprovalStep.Status.DONE
    client.force_login(users["qy_admin"])
    assert client.post(f"/workflow/approval/{inst.pk}/act/", {"action": "approve"}).status_code == 404


def test_designer_pages(client, chain, users):
    import json

    client.force_login(users["sysadmin"])
    assert client.get("/workflow/chains/").status_code == 200
    assert client.get(f"/workflow/chains/{chain.pk}/").status_code == 200
    r = client.post(f"/workflow/chains/{chain.pk}/", {"code": "leave", "name": "请假审批（新）", "active": "on",
                                                     "nodes": json.dumps(NODES[:1], ensure_ascii=False)})
    assert r.status_code == 302
    chain.refresh_from_db()
    assert chain.version == 2 and chain.name == "请假审批（新）"
    r = client.post(f"/workflow/chains/{chain.pk}/", {"code": "leave", "name": "x", "nodes": "not json"})
    assert r.status_code == 400 and "节点数据格式不正确" in r.content.decode()
    client.force_login(users["dept_user"])
    assert client.get("/workflow/chains/").status_code == 403
    assert ApprovalInstance.objects.count() == 0


def test_demo_loads_idempotent(users):
    from egov_base.inbox import demo as inbox_demo
    from egov_base.workflow import demo as workflow_demo
    from egov_base.workflow.models import ApprovalChain

    users["sysadmin"].is_superuser = True
    users["sysadmin"].save()
    for _ in range(2):
        workflow_demo.load()
        inbox_demo.load()
    assert set(ApprovalChain.objects.values_list("code", flat=True)) == {"service_request", "machine_room_access"}
    assert Task.objects.count() == len(inbox_demo.ITEMS)
