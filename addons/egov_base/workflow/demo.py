"""Demo approval chains (idempotent): the configurable flows of service fulfilment and resource requests."""

from django.contrib.auth import get_user_model

from .models import ApprovalChain

CHAINS = [
    {
        "code": "service_request", "name": "政务云资源申请审批",
        "description": "部门申请云主机、存储、带宽等资源：本单位负责人确认 → 区县管理员审核 → 中心评审 → 中心领导审批。",
        "nodes": [
            {"name": "申请单位负责人确认", "assignee_type": "org_leader", "role_code": "dept_user", "sla_hours": 24,
             "actions": ["approve", "return", "reject"]},
            {"name": "区县管理员审核", "assignee_type": "district_role", "role_code": "district_admin", "sla_hours": 24,
             "actions": ["approve", "return", "reject", "transfer"]},
            {"name": "大数据中心资源评审", "assignee_type": "role", "role_code": "reviewer", "sla_hours": 48,
             "actions": ["approve", "return", "reject", "transfer"],
             "form_fields": [
                 {"name": "conclusion", "label": "评审结论", "type": "select", "required": True,
                  "options": ["同意按申请配置", "同意但调减配置", "不同意"]},
                 {"name": "vcpu", "label": "核定 vCPU（核）", "type": "number", "required": False},
             ]},
            {"name": "中心领导审批", "assignee_type": "role", "role_code": "centre_leader", "sla_hours": 72,
             "actions": ["approve", "return", "reject"]},
        ],
    },
    {
        "code": "machine_room_access", "name": "机房出入申请审批",
        "description": "进入市政务云机房：运维工程师审核（或签）→ 中心部门负责人审批。",
        "nodes": [
            {"name": "运维值班审核", "assignee_type": "role", "role_code": "ops_engineer", "sla_hours": 4,
             "actions": ["approve", "reject", "transfer"]},
            {"name": "部门负责人审批", "assignee_type": "role", "role_code": "dept_head", "sla_hours": 8,
             "actions": ["approve", "return", "reject"],
             "form_fields": [{"name": "escort", "label": "是否需陪同", "type": "checkbox", "required": False}]},
        ],
    },
]


def load():
    from .approval import chain_save

    User = get_user_model()
    admin = User.objects.filter(username="sysadmin").first() or User.objects.filter(is_superuser=True).first()
    if admin is None:
        return
    if not admin.has_perm("egov_base.add_approvalchain"):
        return
    for spec in CHAINS:
        if ApprovalChain.objects.filter(code=spec["code"]).exists():
            continue
        chain_save(user=admin, data={"code": spec["code"], "name": spec["name"], "description": spec["description"],
                                     "active": True}, nodes=spec["nodes"])
