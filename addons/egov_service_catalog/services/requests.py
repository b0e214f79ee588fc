"""Service requests: draft → submit → approval chain node by node (单位批复函 → 需求确认单 → 服务交付单) → delivery →
acceptance and rating. Every write is one transaction; a double click or a retry duplicates nothing
(idempotency key on create, row locks + state checks on every action)."""

from __future__ import annotations

import contextvars
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from egov_base.audit.services import record_event
from egov_base.numbers import next_number
from egov_base.scope import can_see
from egov_base.workflow import run_transition
from egov_base.workflow.approval import approval_act, approval_start
from egov_base.workflow.fsm import write_log
from egov_base.workflow.models import ApprovalInstance, ApprovalStep
from egov_base.workflow.signals import approval_finished

from .. import forms_engine
from ..models import FulfilmentStep, RequestDocument, ServiceItem, ServiceRequest, ServiceSpec, Subscription
from . import documents as docs
from .catalog import active_form

DEFAULT_CHAIN = "service_request"
_acting = contextvars.ContextVar("sc_acting_user", default=None)


# --- helpers --------------------------------------------------------------------------------------------------

def _notify_applicant(req: ServiceRequest, event: str, key: str, **extra) -> None:
    from egov_base.notify.services import notify

    notify([req.applicant], event, {"request": req, "item": req.item, **extra}, obj=req,
           url=portal_url(req), key=f"sc:req:{req.pk}:{key}")


def portal_url(req: ServiceRequest) -> str:
    from django.urls import reverse

    return reverse("egov_service_catalog:portal_request_detail", args=[req.pk])


def node_kind(node_name: str) -> str | None:
    """Which document a chain node produces, by its name (the chain is configurable)."""
    name = node_name or ""
    if "批复" in name:
        return RequestDocument.Node.APPROVAL
    if "确认" in name:
        return RequestDocument.Node.CONFIRM
    if "交付" in name:
        return RequestDocument.Node.DELIVERY
    return None


def running_instance(req: ServiceRequest) -> ApprovalInstance | None:
    ct = ContentType.objects.get_for_model(ServiceRequest)
    return (ApprovalInstance.objects.filter(content_type=ct, object_id=str(req.pk),
                                            status=ApprovalInstance.Status.RUNNING).first())


def pending_step_for(req: ServiceRequest, user) -> ApprovalStep | None:
    inst = running_instance(req)
    if inst is None:
        return None
    return inst.steps.filter(status=ApprovalStep.Status.PENDING, assignee=user).first()


def _sync_node(req: ServiceRequest) -> None:
    """Denormalise the current node, its deadline and overdue mark onto the request (list filters, SLA marks)."""
    inst = running_instance(req)
    if inst is None:
        req.current_node, req.node_due_at, req.overdue = "", None, False
    else:
        node = inst.nodes[inst.current_index]
        step = inst.steps.filter(status=ApprovalStep.Status.PENDING).order_by("due_at").first()
        req.current_node = node["name"]
        req.node_due_at = step.due_at if step else None
        req.overdue = bool(step and step.due_at and step.due_at < timezone.now())
        req.overdue_notified_at = None if not req.overdue else req.overdue_notified_at
    ServiceRequest.objects.filter(pk=req.pk).update(current_node=req.current_node, node_due_at=req.node_due_at,
                                                    overdue=req.overdue, overdue_notified_at=req.overdue_notified_at)


def _system(req: ServiceRequest, name: str, *, user, comment=""):
    from ..models.requests import SYSTEM_TRANSITION

    token = SYSTEM_TRANSITION.set(req.pk)
    try:
        return run_transition(req, name, user=user, comment=comment)
    finally:
        SYSTEM_TRANSITION.reset(token)


def _check_item(item: ServiceItem, spec: ServiceSpec | None, quantity, kind: str, organization, subscription,
                exclude_pk=None, submit=True) -> dict:
    errors: dict[str, list[str]] = {}
    if item.status != ServiceItem.Status.PUBLISHED:
        errors["item"] = [_("该服务当前不受理申请（%(s)s）。") % {"s": item.get_status_display()}]
    if spec is not None and (spec.item_id != item.pk or not spec.is_active):
        errors["spec"] = [_("所选规格不属于该服务或已停止订购。")]
    if submit and spec is None and item.specs.filter(is_active=True).exists() and kind != ServiceRequest.Kind.CANCEL:
        errors["spec"] = [_("请选择规格。")]
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if quantity < 1 or quantity > 10000:
        errors["quantity"] = [_("数量须为 1–10000 之间的整数。")]
    elif spec is not None and spec.quota and kind == ServiceRequest.Kind.APPLY:
        used = sum(Subscription.objects.filter(organization=organization, spec=spec)
                   .exclude(state=Subscription.State.TERMINATED).values_list("quantity", flat=True))
        pending = sum(ServiceRequest.objects.filter(organization=organization, spec=spec, kind="apply",
                                                    state__in=["in_progress", "submitted"])
                      .exclude(pk=exclude_pk).values_list("quantity", flat=True))
        if used + pending + quantity > spec.quota:
            errors["quantity"] = [_("超出单位限额：该规格每单位最多 %(q)d，已使用或在办 %(u)d。")
                                  % {"q": spec.quota, "u": used + pending}]
    if kind in (ServiceRequest.Kind.CHANGE, ServiceRequest.Kind.CANCEL):
        if subscription is None:
            errors["subscription"] = [_("变更或取消须选择一个在用的服务对象。")]
        elif subscription.state != Subscription.State.RUNNING:
            errors["subscription"] = [_("该服务对象当前状态为“%(s)s”，不能再次变更或取消。")
                                      % {"s": subscription.get_state_display()}]
        elif subscription.organization_id != organization.pk:
            errors["subscription"] = [_("只能变更或取消本单位的服务对象。")]
    return errors


# --- create / save draft / submit ----------------------------------------------------------------------------

def request_save(*, user, item: ServiceItem, spec: ServiceSpec | None = None, quantity=1, title: str = "",
                 form_data: dict | None = None, contact_phone: str = "", kind: str = ServiceRequest.Kind.APPLY,
                 subscription: Subscription | None = None, request: ServiceRequest | None = None,
                 submit: bool = False, idempotency_key: str | None = None) -> ServiceRequest:
    """Create or update the user's request (draft) and, with ``submit=True``, submit it. Validation failures
    raise ``ValidationError`` with a field dict (form fields keyed ``form.<key>``) and save nothing.

    ``idempotency_key`` (from the wizard page) makes a repeated POST return the request the first one created.
    """
    if kind not in ServiceRequest.Kind.values:
        raise ValidationError(_("申请类型无效。"))
    org = user.organization
    if org is None:
        raise ValidationError(_("您的账号未关联单位，无法提交服务申请。"))
    if not user.has_perm("egov_service_catalog.add_servicerequest"):
        raise PermissionDenied(_("您没有提交服务申请的权限。"))
    if request is None and idempotency_key:
        existing = ServiceRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.applicant_id != user.pk:
                raise PermissionDenied(_("您无权访问该记录。"))
            if not submit or existing.state != ServiceRequest.State.DRAFT:
                return existing
            request = existing
    form = active_form(item, kind)
    cleaned, form_errors = (forms_engine.validate(form.schema, form_data or {}) if form else ({}, {}))
    errors = _check_item(item, spec, quantity, kind, org, subscription, exclude_pk=getattr(request, "pk", None),
                         submit=submit)
    if submit:
        for key, msgs in form_errors.items():
            errors[f"form.{key}"] = msgs
        if not (title or "").strip():
            errors["title"] = [_("请填写申请事由。")]
    if errors:
        raise ValidationError(errors)
    if not submit and form is not None:  # drafts keep what was typed; errors are shown at submit
        keys = {f["key"].split(".")[0] for f in forms_engine.fields(form.schema)}
        kept = {k: v for k, v in (form_data or {}).items() if k in keys and v not in (None, "", [])}
        cleaned = {**kept, **cleaned}
    try:
        with transaction.atomic():
            if request is None:
                req = ServiceRequest(
                    number=next_number("SR"), kind=kind, applicant=user, organization=org,
                    idempotency_key=idempotency_key or None,
                )
            else:
                req = ServiceRequest.objects.select_for_update().get(pk=request.pk)
                if req.applicant_id != user.pk:
                    raise PermissionDenied(_("只有申请人可以修改该申请。"))
                if not req.is_editable:
                    if submit and req.state == ServiceRequest.State.IN_PROGRESS:
                        return req  # the first submit already went through
                    raise ValidationError(_("申请当前状态为“%(s)s”，不能修改。") % {"s": req.get_state_display()})
            req.item, req.spec, req.quantity = item, spec, int(quantity)
            req.kind, req.subscription = kind, subscription
            req.title, req.contact_phone = (title or "").strip()[:200], (contact_phone or "").strip()[:32]
            req.form, req.form_data = form, cleaned
            req.save()
            if submit:
                _submit(req, user=user)
            else:
                record_event(action="update" if request else "create", obj=req, message=f"保存服务申请草稿 {req.number}")
    except IntegrityError:
        if idempotency_key:  # a concurrent duplicate won the race
            return ServiceRequest.objects.get(idempotency_key=idempotency_key)
        raise
    return req


def request_submit(*, user, request: ServiceRequest) -> ServiceRequest:
    """Submit a saved draft or a returned request as it stands (re-validated)."""
    return request_save(user=user, request=request, item=request.item, spec=request.spec, quantity=request.quantity,
                        title=request.title, form_data=request.form_data, contact_phone=request.contact_phone,
                        kind=request.kind, subscription=request.subscription, submit=True)


def _submit(req: ServiceRequest, *, user) -> None:
    resubmit = req.state == ServiceRequest.State.RETURNED
    _system(req, "submit", user=user, comment=_("重新提交") if resubmit else "")
    req.refresh_from_db()
    docs.document_issue(request=req, node=RequestDocument.Node.APPLY, user=user)
    if req.subscription_id and req.kind in (ServiceRequest.Kind.CHANGE, ServiceRequest.Kind.CANCEL):
        Subscription.objects.filter(pk=req.subscription_id, state=Subscription.State.RUNNING).update(
            state=Subscription.State.CHANGING)
    approval_start(chain_code=req.item.chain_code, obj=req, user=user,
                   comment=_("提交申请函及需求单") if not resubmit else _("修改后重新提交"))
    _sync_node(req)
    _notify_applicant(req, "service_catalog.request_progress", f"submit:{req.submitted_at:%Y%m%d%H%M%S%f}",
                      node=_("已提交，等待%(node)s") % {"node": req.current_node})


# --- node actions --------------------------------------------------------------------------------------------

def request_node_act(*, user, request: ServiceRequest, action: str, comment: str = "", form_data=None,
                     delivery: dict | None = None) -> ServiceRequest:
    """The current node's handler acts: ``approve`` (the node's document is issued), ``return`` (to the previous
    node), ``return_applicant`` (back to the applicant for changes), ``reject``. On the delivery node, approve
    needs the internal fulfilment steps done and ``delivery`` = {"resources": [{"name", "spec", "address",
    "note"}], "note": "..."} recorded."""
    with transaction.atomic():
        req = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        if not can_see(user, req) and pending_step_for(req, user) is None:
            raise PermissionDenied(_("您无权访问该记录。"))
        if req.state != ServiceRequest.State.IN_PROGRESS:
            raise ValidationError(_("该申请当前状态为“%(s)s”，无需办理，请勿重复提交。") % {"s": req.get_state_display()})
        step = pending_step_for(req, user)
        if step is None:
            inst = running_instance(req)
            if inst and inst.steps.filter(actor=user, round=inst.round, node_index=inst.current_index).exists():
                raise ValidationError(_("该环节已处理，请勿重复提交。"))
            raise PermissionDenied(_("您不是当前环节的处理人。"))
        node_name = step.node_name
        kind = node_kind(node_name)
        if action == "approve" and kind == RequestDocument.Node.DELIVERY:
            _check_delivery(req, delivery)
            req.delivery_data = _clean_delivery(delivery)
            ServiceRequest.objects.filter(pk=req.pk).update(delivery_data=req.delivery_data)
        token = _acting.set(user)
        try:
            if action == "return_applicant":
                if not (comment or "").strip():
                    raise ValidationError(_("退回申请人时必须填写意见。"))
                _return_to_applicant(step, user=user, comment=comment)
            else:
                approval_act(step=step, user=user, action=action, comment=comment, form_data=form_data)
        finally:
            _acting.reset(token)
        req.refresh_from_db()
        if action == "approve" and kind:
            docs.document_issue(request=req, node=kind, user=user, comment=comment, form_data=step_form(step))
        if req.state == ServiceRequest.State.IN_PROGRESS:
            _sync_node(req)
            if node_kind(req.current_node) == RequestDocument.Node.DELIVERY:
                fulfilment_prepare(request=req)
            label = {"approve": _("%(node)s已办结，进入%(next)s"), "return": _("%(node)s退回至%(next)s"),
                     "transfer": _("%(node)s已转办")}.get(action, "%(node)s")
            _notify_applicant(req, "service_catalog.request_progress", f"{step.pk}:{action}",
                              node=label % {"node": node_name, "next": req.current_node})
    return req


def step_form(step: ApprovalStep) -> dict:
    return ApprovalStep.objects.filter(pk=step.pk).values_list("form_data", flat=True).first() or {}


def _return_to_applicant(step: ApprovalStep, *, user, comment: str) -> None:
    """需求确认单 may return the request to the department for changes: the handler's step is done with action
    return, the other pending steps are skipped and the approval ends (cancelled) → the request is returned."""
    from egov_base.inbox.services import task_cancel, task_complete

    inst = ApprovalInstance.objects.select_for_update().get(pk=step.instance_id)
    step = ApprovalStep.objects.select_for_update().get(pk=step.pk)
    if step.status != ApprovalStep.Status.PENDING or inst.status != ApprovalInstance.Status.RUNNING:
        raise ValidationError(_("该环节已处理，请勿重复提交。"))
    node = inst.nodes[step.node_index]
    if "return" not in (node.get("actions") or ["return"]):
        raise ValidationError(_("当前环节不允许退回。"))
    now = timezone.now()
    step.status, step.action, step.actor, step.comment, step.acted_at = (
        ApprovalStep.Status.DONE, "return", user, comment, now)
    step.save(update_fields=["status", "action", "actor", "comment", "acted_at"])
    task_complete(key=step.task_key, user=user, result="return")
    for other in inst.steps.filter(status=ApprovalStep.Status.PENDING):
        other.status = ApprovalStep.Status.SKIPPED
        other.save(update_fields=["status"])
        task_cancel(key=other.task_key, user=user)
    write_log(obj=inst.obj, user=user, action="return", action_label=_("退回申请人"), from_state=node["name"],
              from_label=node["name"], to_state="returned", to_label=_("退回申请人"), comment=comment,
              data={"instance": inst.pk}, source="approval")
    inst.status, inst.finished_at = ApprovalInstance.Status.CANCELLED, now
    inst.save(update_fields=["status", "finished_at"])
    approval_finished.send(sender=ApprovalInstance, instance=inst, result=ApprovalInstance.Status.CANCELLED)


def _clean_delivery(delivery) -> dict:
    delivery = delivery or {}
    res = []
    for r in delivery.get("resources") or []:
        if not isinstance(r, dict):
            continue
        row = {k: str(r.get(k) or "").strip()[:200] for k in ("name", "spec", "address", "note")}
        if row["name"]:
            res.append(row)
    return {"resources": res, "note": str(delivery.get("note") or "").strip()[:2000]}


def _check_delivery(req: ServiceRequest, delivery) -> None:
    errors = []
    pending = req.fulfilment.filter(status=FulfilmentStep.Status.PENDING).values_list("name", flat=True)
    if pending:
        errors.append(_("服务过程尚未完成：%(steps)s。") % {"steps": "、".join(pending)})
    if req.kind != ServiceRequest.Kind.CANCEL and not _clean_delivery(delivery)["resources"]:
        errors.append(_("请在服务交付单中登记至少一项交付资源。"))
    if errors:
        raise ValidationError(errors)


def fulfilment_prepare(*, request: ServiceRequest) -> list[FulfilmentStep]:
    """Copy the item's configured internal steps (服务过程) onto the request once (idempotent)."""
    if request.fulfilment.exists():
        return list(request.fulfilment.all())
    now = timezone.now()
    out = []
    for i, s in enumerate(request.item.fulfilment_steps or []):
        name = str((s or {}).get("name") or "").strip()
        if not name:
            continue
        sla = (s or {}).get("sla_hours")
        sla = int(sla) if str(sla or "").isdigit() else None
        out.append(FulfilmentStep.objects.create(request=request, order=i, name=name[:64], sla_hours=sla,
                                                 due_at=now + timedelta(hours=sla) if sla else None))
    return out


def fulfilment_step_update(*, user, step: FulfilmentStep, status: str, note: str = "") -> FulfilmentStep:
    """The delivery node's handler ticks an internal step done (or not applicable)."""
    if status not in (FulfilmentStep.Status.DONE, FulfilmentStep.Status.SKIPPED, FulfilmentStep.Status.PENDING):
        raise ValidationError(_("步骤状态无效。"))
    with transaction.atomic():
        step = FulfilmentStep.objects.select_for_update().select_related("request").get(pk=step.pk)
        req = step.request
        if req.state != ServiceRequest.State.IN_PROGRESS or pending_step_for(req, user) is None:
            raise PermissionDenied(_("只有当前交付环节的处理人可以登记服务过程。"))
        if status == FulfilmentStep.Status.SKIPPED and not (note or "").strip():
            raise ValidationError(_("标记为不适用时请填写说明。"))
        before = step.status
        step.status, step.note = status, (note or "").strip()[:2000]
        step.done_by = user if status != FulfilmentStep.Status.PENDING else None
        step.done_at = timezone.now() if status != FulfilmentStep.Status.PENDING else None
        step.save()
        write_log(obj=req, user=user, action="fulfilment", action_label=_("服务过程"), from_state=before,
                  from_label=step.name, to_state=status, to_label=f"{step.name}：{step.get_status_display()}",
                  comment=step.note, source="fsm")
    return step


# --- outcome of the approval chain ---------------------------------------------------------------------------

@receiver(approval_finished, dispatch_uid="egov_service_catalog.request_approval_finished")
def _on_approval_finished(sender, instance, result, **kwargs):
    if instance.content_type.model_class() is not ServiceRequest:
        return
    from egov_base.context import get_current_user

    req = ServiceRequest.objects.select_for_update().get(pk=instance.object_id)
    user = _acting.get() or get_current_user() or req.applicant
    if req.state != ServiceRequest.State.IN_PROGRESS:
        return
    if result == ApprovalInstance.Status.APPROVED:
        from .subscriptions import subscription_apply_delivery

        _system(req, "deliver", user=user)
        req.refresh_from_db()
        subscription_apply_delivery(request=req, user=user)
        _sync_node(req)
        _notify_applicant(req, "service_catalog.request_delivered", "delivered")
    elif result == ApprovalInstance.Status.REJECTED:
        _system(req, "reject", user=user)
        _restore_subscription(req)
        _sync_node(req)
        _notify_applicant(req, "service_catalog.request_progress", f"rejected:{instance.pk}", node=_("申请未通过"))
    elif result == ApprovalInstance.Status.CANCELLED:
        _system(req, "send_back", user=user)
        _restore_subscription(req)
        _sync_node(req)
        _notify_applicant(req, "service_catalog.request_progress", f"returned:{instance.pk}",
                          node=_("申请被退回，请修改后重新提交"))


def _restore_subscription(req: ServiceRequest) -> None:
    if req.subscription_id and req.kind in (ServiceRequest.Kind.CHANGE, ServiceRequest.Kind.CANCEL):
        Subscription.objects.filter(pk=req.subscription_id, state=Subscription.State.CHANGING).update(
            state=Subscription.State.RUNNING)


# --- applicant actions ---------------------------------------------------------------------------------------

def request_accept(*, user, request: ServiceRequest, rating, comment: str = "") -> ServiceRequest:
    """验收并评价: the applicant accepts the delivery and rates it 1–5 (comment required below 3)."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    errors = {}
    if rating < 1 or rating > 5:
        errors["rating"] = [_("请选择 1–5 星评分。")]
    elif rating < 3 and not (comment or "").strip():
        errors["rating_comment"] = [_("评分低于 3 星时请填写意见，便于我们改进。")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        req = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        if req.state == ServiceRequest.State.CLOSED:
            raise ValidationError(_("该申请已验收评价，请勿重复提交。"))
        if req.applicant_id != user.pk:
            raise PermissionDenied(_("只有申请人可以验收评价。"))
        req.rating, req.rating_comment, req.rated_at = rating, (comment or "").strip()[:2000], timezone.now()
        req.save(update_fields=["rating", "rating_comment", "rated_at"])
        run_transition(req, "accept", user=user, comment=_("验收评价：%(n)d 星。%(c)s") % {"n": rating, "c": req.rating_comment})
        req.refresh_from_db()
        docs.document_issue(request=req, node=RequestDocument.Node.ACCEPTANCE, user=user, comment=req.rating_comment)
    return req


def request_withdraw(*, user, request: ServiceRequest, comment: str = "") -> ServiceRequest:
    """The applicant withdraws a draft, a returned or an in-progress request."""
    from egov_base.workflow.approval import approval_cancel

    with transaction.atomic():
        req = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        if req.applicant_id != user.pk:
            raise PermissionDenied(_("只有申请人可以撤销申请。"))
        if req.state == ServiceRequest.State.CANCELLED:
            return req
        inst = running_instance(req)
        run_transition(req, "withdraw", user=user, comment=comment)
        if inst is not None:
            approval_cancel(instance=inst, user=user, comment=comment or _("申请人撤销"))
        _restore_subscription(req)
        req.refresh_from_db()
        _sync_node(req)
    return req


# --- SLA ------------------------------------------------------------------------------------------------------

def request_check_sla(*, now=None) -> dict:
    """Mark requests whose current node is past its deadline as overdue and remind the node's handlers and the
    centre's service desk once per node visit; clears the mark when the node moves on (``_sync_node``)."""
    from egov_base.notify.services import notify

    now = now or timezone.now()
    out = {"overdue": 0, "reminded": 0}
    ct = ContentType.objects.get_for_model(ServiceRequest)
    late = (ApprovalStep.objects.filter(status=ApprovalStep.Status.PENDING, due_at__lt=now,
                                        instance__content_type=ct, instance__status=ApprovalInstance.Status.RUNNING)
            .select_related("assignee", "instance"))
    by_request: dict[str, list[ApprovalStep]] = {}
    for s in late:
        by_request.setdefault(s.instance.object_id, []).append(s)
    for pk, steps in by_request.items():
        with transaction.atomic():
            req = ServiceRequest.objects.select_for_update().filter(pk=pk, state=ServiceRequest.State.IN_PROGRESS).first()
            if req is None:
                continue
            if not req.overdue:
                out["overdue"] += 1
            if req.overdue_notified_at is not None:
                ServiceRequest.objects.filter(pk=req.pk).update(overdue=True)
                continue
            ServiceRequest.objects.filter(pk=req.pk).update(overdue=True, overdue_notified_at=now)
            first = steps[0]
            notify([s.assignee for s in steps], "service_catalog.request_overdue",
                   {"request": req, "item": req.item, "node": first.node_name,
                    "due_at": timezone.localtime(first.due_at).strftime("%Y年%m月%d日 %H:%M")},
                   obj=req, key=f"sc:req:{req.pk}:overdue:{first.instance_id}:{first.node_index}:{first.round}")
            write_log(obj=req, user=None, action="overdue", action_label=_("超时提醒"), from_state=first.node_name,
                      from_label=first.node_name, to_state=first.node_name, to_label=first.node_name,
                      comment=_("环节“%(node)s”已超过办理时限，已提醒处理人。") % {"node": first.node_name},
                      source="fsm")
            out["reminded"] += 1
    return out
