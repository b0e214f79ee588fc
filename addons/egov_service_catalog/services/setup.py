"""Reference data the flow needs: the default approval chain ``service_request`` (the tender's nodes) and the
generic change/cancel forms. Idempotent; called after migrate, by the demo and by tests."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from egov_base.workflow.models import ApprovalChain, ApprovalNode

DEFAULT_CHAIN = "service_request"
DEFAULT_NODES = [
    # name, assignee rule, role, SLA hours, actions
    ("单位批复函", ApprovalNode.Assignee.ORG_LEADER, "", 24, ["approve", "return", "reject", "transfer"]),
    ("需求确认单", ApprovalNode.Assignee.ROLE, "service_desk", 24, ["approve", "return", "reject", "transfer"]),
    ("服务交付单", ApprovalNode.Assignee.ROLE, "ops_engineer", 72, ["approve", "return", "transfer"]),
]

CHANGE_FORM = {
    "type": "default", "id": "sc_change", "components": [
        {"type": "textarea", "key": "change_reason", "label": "变更原因", "validate": {"required": True, "maxLength": 500}},
        {"type": "textarea", "key": "change_content", "label": "变更内容说明", "validate": {"required": True, "maxLength": 1000}},
        {"type": "datetime", "key": "expected_date", "label": "期望完成日期", "subtype": "date",
         "dateLabel": "期望完成日期"},
    ],
}
CANCEL_FORM = {
    "type": "default", "id": "sc_cancel", "components": [
        {"type": "textarea", "key": "cancel_reason", "label": "取消原因", "validate": {"required": True, "maxLength": 500}},
        {"type": "checkbox", "key": "data_backed_up", "label": "已完成数据备份与迁移，同意回收资源",
         "validate": {"required": True}},
    ],
}


def ensure_default_chain() -> ApprovalChain:
    from ..models import ServiceRequest

    chain = ApprovalChain.objects.filter(code=DEFAULT_CHAIN).first()
    if chain is not None:
        return chain
    with transaction.atomic():
        chain = ApprovalChain.objects.create(
            code=DEFAULT_CHAIN, name="服务申请办理流程", version=1, active=True,
            content_type=ContentType.objects.get_for_model(ServiceRequest),
            description="申请函及需求单（部门提交）→ 单位批复函（申请单位负责人）→ 需求确认单（中心服务台）→ 服务交付单"
                        "（服务提供方）→ 验收评价（申请单位）。",
        )
        for order, (name, rule, role, sla, actions) in enumerate(DEFAULT_NODES):
            ApprovalNode.objects.create(chain=chain, order=order, name=name, assignee_type=rule, role_code=role,
                                        sla_hours=sla, actions=actions, form_fields=[], countersign="any")
    return chain


def ensure_generic_forms() -> None:
    from ..models import ServiceForm

    for kind, schema, name in (("change", CHANGE_FORM, "通用变更申请表"), ("cancel", CANCEL_FORM, "通用取消申请表")):
        if not ServiceForm.objects.filter(item=None, kind=kind).exists():
            ServiceForm.objects.create(item=None, kind=kind, name=name, version=1, schema=schema, is_active=True)
