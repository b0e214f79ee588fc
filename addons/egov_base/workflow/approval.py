"""Configurable approval chains: services to start, act on, cancel, design and watch (SLA) approvals."""

from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..scope import can_see
from .fsm import record_audit, write_log
from .models import ApprovalChain, ApprovalInstance, ApprovalNode, ApprovalStep
from .signals import approval_finished

ACTION_LABELS = dict(ApprovalNode.ACTIONS)
LEADER_WORDS = ("局长", "主任", "负责人", "处长", "科长", "书记", "部长")


# --- assignee rules ---------------------------------------------------------------------------------

def resolve_assignees(node: dict, instance: ApprovalInstance) -> list:
    from egov_base.org.models import User

    users = User.objects.filter(is_active=True)
    kind, role = node.get("assignee_type"), node.get("role_code")
    org = instance.organization
    if kind == ApprovalNode.Assignee.ROLE:
        qs = users.filter(groups__role__code=role)
    elif kind == ApprovalNode.Assignee.ORG_ROLE:
        qs = users.filter(groups__role__code=role, organization=org) if org else users.none()
    elif kind == ApprovalNode.Assignee.DISTRICT_ROLE:
        if org is None:
            qs = users.none()
        elif org.district_id:
            qs = users.filter(groups__role__code=role, organization__district_id=org.district_id)
        else:
            qs = users.filter(groups__role__code=role, organization__district__isnull=True)
    elif kind == ApprovalNode.Assignee.USERS:
        qs = users.filter(pk__in=node.get("users") or [])
    elif kind == ApprovalNode.Assignee.ORG_LEADER:
        if org is None:
            qs = users.none()
        else:
            from django.db.models import Q

            q = Q()
            for w in LEADER_WORDS:
                q |= Q(position__contains=w)
            qs = users.filter(organization=org).filter(q)
            if role:
                qs = qs | users.filter(organization=org, groups__role__code=role)
    elif kind == ApprovalNode.Assignee.APPLICANT:
        qs = users.filter(pk=instance.applicant_id)
    else:
        qs = users.none()
    return list(qs.distinct().order_by("pk"))


# --- per-node form ----------------------------------------------------------------------------------

def validate_form(fields: list[dict], data: dict | None) -> dict:
    """Validate ``data`` against a node's form definition; returns cleaned values or raises a
    ValidationError with one Chinese message per bad field."""
    data = data or {}
    cleaned, errors = {}, []
    for f in fields or []:
        name, label, ftype = f.get("name"), f.get("label") or f.get("name"), f.get("type", "text")
        raw = data.get(name)
        if isinstance(raw, str):
            raw = raw.strip()
        empty = raw in (None, "", [], False) if ftype != "checkbox" else raw in (None, "", False, "0", "off")
        if empty:
            if f.get("required"):
                errors.append(_("“%(label)s”为必填项。") % {"label": label})
            cleaned[name] = False if ftype == "checkbox" else ""
            continue
        if ftype == "number":
            try:
                cleaned[name] = float(raw) if "." in str(raw) else int(raw)
            except (TypeError, ValueError):
                errors.append(_("“%(label)s”必须是数字。") % {"label": label})
        elif ftype == "date":
            try:
                cleaned[name] = dt.date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                errors.append(_("“%(label)s”必须是日期（如 2026-03-01）。") % {"label": label})
        elif ftype == "select":
            options = [str(o) for o in f.get("options") or []]
            if str(raw) not in options:
                errors.append(_("“%(label)s”的取值不在可选范围内。") % {"label": label})
            else:
                cleaned[name] = str(raw)
        elif ftype == "checkbox":
            cleaned[name] = True
        else:
            text = str(raw)
            if len(text) > 2000:
                errors.append(_("“%(label)s”不能超过 2000 字。") % {"label": label})
            cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def clean_form_definition(fields) -> list[dict]:
    if not isinstance(fields, list):
        raise ValidationError(_("节点表单必须是字段列表。"))
    types = {k for k, _v in ApprovalNode.FIELD_TYPES}
    out, names = [], set()
    for i, f in enumerate(fields, 1):
        if not isinstance(f, dict):
            raise ValidationError(_("第 %(n)d 个表单字段格式不正确。") % {"n": i})
        name = str(f.get("name", "")).strip()
        if not FIELD_NAME_RE.match(name):
            raise ValidationError(_("第 %(n)d 个表单字段的标识须为小写字母开头的英文、数字或下划线。") % {"n": i})
        if name in names:
            raise ValidationError(_("表单字段标识“%(name)s”重复。") % {"name": name})
        names.add(name)
        ftype = f.get("type", "text")
        if ftype not in types:
            raise ValidationError(_("表单字段“%(name)s”的类型无效。") % {"name": name})
        options = [str(o).strip() for o in f.get("options") or [] if str(o).strip()]
        if ftype == "select" and not options:
            raise ValidationError(_("下拉字段“%(name)s”至少需要一个选项。") % {"name": name})
        out.append({"name": name, "label": str(f.get("label") or name)[:64], "type": ftype,
                    "required": bool(f.get("required")), "options": options})
    return out


# --- running ----------------------------------------------------------------------------------------

def _obj_org(obj, user):
    org = getattr(obj, "organization", None)
    if org is None and user is not None and getattr(user, "organization_id", None):
        org = user.organization
    return org


def _activate(instance: ApprovalInstance, index: int, *, user):
    """Make node ``index`` current: create one pending step per assignee and open their inbox tasks."""
    from egov_base.inbox.services import task_open

    node = instance.nodes[index]
    assignees = resolve_assignees(node, instance)
    if not assignees:
        raise ValidationError(_("审批节点“%(node)s”找不到处理人，请联系管理员检查流程配置。") % {"node": node["name"]})
    instance.current_index = index
    instance.save(update_fields=["current_index", "round"])
    now = timezone.now()
    due = now + timedelta(hours=node["sla_hours"]) if node.get("sla_hours") else None
    obj = instance.obj
    for a in assignees:
        step = ApprovalStep.objects.create(
            instance=instance, node_index=index, node_name=node["name"], round=instance.round, assignee=a,
            created_at=now, due_at=due,
        )
        task_open(obj=obj, assignees=[a], kind="todo", due_at=due, key=step.task_key,
                  title=_("请审批：%(obj)s（%(node)s）") % {"obj": obj, "node": node["name"]},
                  url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
                  source=f"approval:{instance.chain.code}")


def approval_start(*, chain_code, obj, user, comment="") -> ApprovalInstance:
    """Start the active chain ``chain_code`` on ``obj`` for applicant ``user``. Idempotent: if an approval is
    already running on ``obj``, that instance is returned."""
    if not can_see(user, obj):
        raise PermissionDenied(_("您无权访问该记录。"))
    chain = ApprovalChain.objects.filter(code=chain_code).first()
    if chain is None or not chain.active:
        raise ValidationError(_("审批流程“%(code)s”不存在或已停用。") % {"code": chain_code})
    ct = ContentType.objects.get_for_model(type(obj))
    if chain.content_type_id and chain.content_type_id != ct.pk:
        raise ValidationError(_("审批流程“%(name)s”不适用于该类记录。") % {"name": chain.name})
    nodes = chain.snapshot()
    if not nodes:
        raise ValidationError(_("审批流程“%(name)s”还没有配置节点。") % {"name": chain.name})
    running = ApprovalInstance.objects.filter(content_type=ct, object_id=str(obj.pk),
                                              status=ApprovalInstance.Status.RUNNING).first()
    if running:
        return running
    try:
        with transaction.atomic():
            instance = ApprovalInstance.objects.create(
                chain=chain, chain_version=chain.version, nodes=nodes, content_type=ct, object_id=str(obj.pk),
                applicant=user, organization=_obj_org(obj, user),
            )
            _activate(instance, 0, user=user)
            write_log(obj=obj, user=user, action="approval_start", action_label=_("发起审批"),
                      to_state=nodes[0]["name"], to_label=nodes[0]["name"], comment=comment,
                      data={"chain": chain.code, "version": chain.version, "instance": instance.pk},
                      source="approval")
            record_audit(action="transition", obj=obj, message=f"发起审批：{chain.name}",
                         data={"instance": instance.pk, "chain": chain.code})
    except IntegrityError:  # a concurrent double submit started it first
        return ApprovalInstance.objects.get(content_type=ct, object_id=str(obj.pk),
                                            status=ApprovalInstance.Status.RUNNING)
    return instance


def _close_pending(instance, *, user, except_step=None):
    from egov_base.inbox.services import task_cancel

    for s in instance.steps.filter(status=ApprovalStep.Status.PENDING).exclude(pk=getattr(except_step, "pk", None)):
        s.status = ApprovalStep.Status.SKIPPED
        s.save(update_fields=["status"])
        task_cancel(key=s.task_key, user=user)


def _finish(instance, result, *, user):
    instance.status = result
    instance.finished_at = timezone.now()
    instance.save(update_fields=["status", "finished_at"])
    approval_finished.send(sender=ApprovalInstance, instance=instance, result=result)


def approval_act(*, step=None, instance=None, user, action, comment="", form_data=None, transfer_to=None,
                 attachments=()) -> ApprovalStep:
    """Act on an approval step (``step``, or ``instance`` → the user's pending step on it).

    ``approve``: the node is done (或签: first approval; 会签: when all assignees approved) → next node or the
    instance is approved; ``return``: back to the previous node (from the first node: to the applicant, the
    instance ends as cancelled — the applicant edits and starts again); ``reject``: the instance ends rejected;
    ``transfer``: the step is reassigned to ``transfer_to``. Only the step's assignee may act (PermissionDenied);
    a step already handled raises a ValidationError (double submit does nothing twice)."""
    from egov_base.inbox.services import task_complete, task_open

    if action not in ACTION_LABELS:
        raise ValidationError(_("未知的审批操作。"))
    with transaction.atomic():
        if step is None:
            if instance is None:
                raise ValidationError(_("必须指定审批步骤或审批实例。"))
            instance = ApprovalInstance.objects.select_for_update().get(pk=instance.pk)
            step = instance.steps.filter(status=ApprovalStep.Status.PENDING, assignee=user).first()
            if step is None:
                if instance.steps.filter(actor=user).exists() or instance.status != ApprovalInstance.Status.RUNNING:
                    raise ValidationError(_("该审批已处理，请勿重复提交。"))
                raise PermissionDenied(_("您不是当前审批节点的处理人。"))
        else:
            instance = ApprovalInstance.objects.select_for_update().get(pk=step.instance_id)
            step = ApprovalStep.objects.get(pk=step.pk)
        if step.assignee_id != user.pk:
            raise PermissionDenied(_("您不是当前审批节点的处理人。"))
        if step.status != ApprovalStep.Status.PENDING or instance.status != ApprovalInstance.Status.RUNNING:
            raise ValidationError(_("该审批步骤已处理，请勿重复提交。"))
        node = instance.nodes[step.node_index]
        allowed = node.get("actions") or ["approve", "return", "reject"]
        if action not in allowed:
            raise ValidationError(_("当前节点不允许“%(action)s”操作。") % {"action": ACTION_LABELS[action]})
        if action in ("return", "reject") and not (comment or "").strip():
            raise ValidationError(_("退回或驳回时必须填写意见。"))
        cleaned = validate_form(node.get("form_fields"), form_data) if action == "approve" else dict(form_data or {})
        obj = instance.obj
        now = timezone.now()

        if action == "transfer":
            if transfer_to is None:
                raise ValidationError(_("请选择转办对象。"))
            if transfer_to.pk == user.pk or not transfer_to.is_active:
                raise ValidationError(_("不能转办给本人或已停用的用户。"))
            if instance.steps.filter(status=ApprovalStep.Status.PENDING, node_index=step.node_index,
                                     assignee=transfer_to).exists():
                raise ValidationError(_("%(name)s 已是当前节点的处理人。") % {"name": transfer_to})
            task_complete(key=step.task_key, user=user, result="transfer")
            step.transferred_from = user
            step.assignee = transfer_to
            step.save(update_fields=["transferred_from", "assignee"])
            task_open(obj=obj, assignees=[transfer_to], kind="todo", due_at=step.due_at, key=step.task_key,
                      title=_("请审批：%(obj)s（%(node)s，%(from)s 转办）") % {"obj": obj, "node": node["name"], "from": user},
                      url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
                      source=f"approval:{instance.chain.code}")
            write_log(obj=obj, user=user, action="transfer", action_label=_("转办"), from_state=node["name"],
                      from_label=node["name"], to_state=node["name"], to_label=node["name"],
                      comment=comment, attachments=attachments,
                      data={"instance": instance.pk, "transfer_to": transfer_to.pk,
                            "transfer_to_name": str(transfer_to)}, source="approval")
            return step

        step.status = ApprovalStep.Status.DONE
        step.action, step.actor, step.comment, step.form_data, step.acted_at = action, user, comment, cleaned, now
        step.save(update_fields=["status", "action", "actor", "comment", "form_data", "acted_at"])
        task_complete(key=step.task_key, user=user, result=action)

        from_name = node["name"]
        to_label = ""
        if action == "approve":
            remaining = instance.steps.filter(status=ApprovalStep.Status.PENDING, node_index=step.node_index,
                                              round=step.round)
            if node.get("countersign") == ApprovalNode.Countersign.ALL and remaining.exists():
                to_label = from_name  # wait for the other countersigners
            else:
                _close_pending(instance, user=user)
                nxt = step.node_index + 1
                if nxt < len(instance.nodes):
                    _activate(instance, nxt, user=user)
                    to_label = instance.nodes[nxt]["name"]
                else:
                    to_label = str(ApprovalInstance.Status.APPROVED.label)
                    _finish(instance, ApprovalInstance.Status.APPROVED, user=user)
        elif action == "return":
            _close_pending(instance, user=user)
            if step.node_index > 0:
                instance.round += 1
                _activate(instance, step.node_index - 1, user=user)
                to_label = instance.nodes[step.node_index - 1]["name"]
            else:
                to_label = str(_("退回申请人"))
                _finish(instance, ApprovalInstance.Status.CANCELLED, user=user)
                if instance.applicant_id:
                    task_open(obj=obj, assignees=[instance.applicant], kind="toread", key=f"approval:{instance.pk}:returned",
                              title=_("审批被退回：%(obj)s") % {"obj": obj},
                              url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
                              source=f"approval:{instance.chain.code}")
        elif action == "reject":
            _close_pending(instance, user=user)
            to_label = str(ApprovalInstance.Status.REJECTED.label)
            _finish(instance, ApprovalInstance.Status.REJECTED, user=user)

        write_log(obj=obj, user=user, action=action, action_label=ACTION_LABELS[action], from_state=from_name,
                  from_label=from_name, to_state=to_label, to_label=to_label, comment=comment,
                  attachments=attachments, data={"instance": instance.pk, "form": cleaned}, source="approval")
        record_audit(action="transition", obj=obj, message=f"审批{ACTION_LABELS[action]}：{from_name} → {to_label}",
                     data={"instance": instance.pk, "step": step.pk, "action": action})
    return step


def approval_cancel(*, instance, user, comment="") -> ApprovalInstance:
    """The applicant (or a user with change permission on chains) withdraws a running approval."""
    with transaction.atomic():
        instance = ApprovalInstance.objects.select_for_update().get(pk=instance.pk)
        if instance.status != ApprovalInstance.Status.RUNNING:
            raise ValidationError(_("该审批已结束，无法撤销。"))
        if instance.applicant_id != user.pk and not user.has_perm("egov_base.change_approvalinstance"):
            raise PermissionDenied(_("只有申请人可以撤销审批。"))
        _close_pending(instance, user=user)
        _finish(instance, ApprovalInstance.Status.CANCELLED, user=user)
        write_log(obj=instance.obj, user=user, action="cancel", action_label=_("撤销审批"), comment=comment,
                  data={"instance": instance.pk}, source="approval")
    return instance


# --- designer ---------------------------------------------------------------------------------------

def chain_save(*, user, chain=None, data: dict, nodes: list[dict]) -> ApprovalChain:
    """Create or update a chain and replace its nodes (in the given order). Bumps ``version`` on every
    change of an existing chain; running instances keep their snapshot."""
    from egov_base.org.models import Role, User

    if not user.has_perm("egov_base.change_approvalchain" if chain else "egov_base.add_approvalchain"):
        raise PermissionDenied(_("您没有维护审批流程的权限。"))
    code = str(data.get("code") or "").strip()
    name = str(data.get("name") or "").strip()
    errors = []
    if not re.match(r"^[A-Za-z][A-Za-z0-9_.-]{1,63}$", code):
        errors.append(_("流程编码须为字母开头的英文、数字、下划线、点或短横线，2–64 位。"))
    if not name:
        errors.append(_("请填写流程名称。"))
    if not nodes:
        errors.append(_("至少需要一个审批节点。"))
    dup = ApprovalChain.objects.filter(code=code)
    if chain is not None:
        dup = dup.exclude(pk=chain.pk)
    if code and dup.exists():
        errors.append(_("流程编码“%(code)s”已被使用。") % {"code": code})
    role_codes = set(Role.objects.values_list("code", flat=True))
    clean_nodes = []
    for i, n in enumerate(nodes, 1):
        nname = str(n.get("name") or "").strip()
        if not nname:
            errors.append(_("第 %(n)d 个节点缺少名称。") % {"n": i})
        atype = n.get("assignee_type")
        if atype not in ApprovalNode.Assignee.values:
            errors.append(_("节点“%(name)s”的处理人规则无效。") % {"name": nname})
        role = str(n.get("role_code") or "").strip()
        if atype in ("role", "org_role", "district_role") and role not in role_codes:
            errors.append(_("节点“%(name)s”须选择有效的角色。") % {"name": nname})
        user_ids = [int(u) for u in n.get("users") or [] if str(u).isdigit()]
        if atype == "users" and not User.objects.filter(pk__in=user_ids, is_active=True).exists():
            errors.append(_("节点“%(name)s”须至少指定一名有效人员。") % {"name": nname})
        actions = [a for a in n.get("actions") or [] if a in ACTION_LABELS]
        if "approve" not in actions:
            errors.append(_("节点“%(name)s”必须允许“同意”。") % {"name": nname})
        sla = n.get("sla_hours")
        if sla in ("", None):
            sla = None
        else:
            try:
                sla = int(sla)
                if sla <= 0 or sla > 24 * 90:
                    raise ValueError
            except (TypeError, ValueError):
                errors.append(_("节点“%(name)s”的办理时限须为 1–2160 之间的整数小时。") % {"name": nname})
                sla = None
        try:
            form = clean_form_definition(n.get("form_fields") or [])
        except ValidationError as e:
            errors.extend(e.messages)
            form = []
        cs = n.get("countersign") or "any"
        if cs not in ApprovalNode.Countersign.values:
            cs = "any"
        clean_nodes.append(dict(name=nname, assignee_type=atype, role_code=role, users=user_ids, sla_hours=sla,
                                actions=actions, form_fields=form, countersign=cs))
    if errors:
        raise ValidationError(errors)
    ct = data.get("content_type")
    with transaction.atomic():
        if chain is None:
            chain = ApprovalChain(version=1)
        else:
            chain = ApprovalChain.objects.select_for_update().get(pk=chain.pk)
            chain.version += 1
        chain.code, chain.name = code, name
        chain.description = str(data.get("description") or "")
        chain.active = bool(data.get("active", True))
        chain.content_type = ct if isinstance(ct, ContentType) or ct is None else ContentType.objects.filter(pk=ct).first()
        chain.save()
        chain.nodes.all().delete()
        for order, n in enumerate(clean_nodes):
            users = n.pop("users")
            node = ApprovalNode.objects.create(chain=chain, order=order, **n)
            if users:
                node.users.set(users)
        record_audit(action="update", obj=chain, message=f"审批流程 {code} 保存为第 {chain.version} 版",
                     data={"version": chain.version})
    return chain


# --- SLA --------------------------------------------------------------------------------------------

def approval_check_sla(*, now=None) -> dict:
    """Mark overdue pending steps and remind their assignees once; steps overdue by more than their SLA
    again are escalated once to the centre's dept_head role (a 待阅 task)."""
    from egov_base.inbox.services import _notify, task_open

    now = now or timezone.now()
    out = {"overdue": 0, "escalated": 0}
    pending = ApprovalStep.objects.filter(status=ApprovalStep.Status.PENDING, due_at__isnull=False, due_at__lt=now)
    for step in pending.filter(overdue=False).select_related("assignee", "instance"):
        with transaction.atomic():
            n = ApprovalStep.objects.filter(pk=step.pk, overdue=False).update(overdue=True)
            if not n:
                continue
            ctx = {"step": step, "title": f"审批超时：{step.instance.obj}（{step.node_name}）", "url": ""}
            transaction.on_commit(lambda s=step, c=ctx: _notify(
                [s.assignee], "workflow.approval_overdue", c, key=f"approval:step:{s.pk}:overdue"), robust=True)
            out["overdue"] += 1
    for step in pending.filter(overdue=True, escalated=False).select_related("instance"):
        sla = step.due_at - step.created_at
        if now < step.due_at + sla:
            continue
        with transaction.atomic():
            if not ApprovalStep.objects.filter(pk=step.pk, escalated=False).update(escalated=True):
                continue
            obj = step.instance.obj
            from egov_base.org.models import User

            heads = list(User.objects.filter(is_active=True, groups__role__code="dept_head").distinct())
            if not heads:
                continue
            task_open(obj=obj, assignees=heads, kind="toread", key=f"approval:{step.instance_id}:escalate:{step.pk}",
                      title=_("审批严重超时：%(obj)s（%(node)s，处理人 %(who)s）")
                      % {"obj": obj, "node": step.node_name, "who": step.assignee},
                      url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
                      source=f"approval:{step.instance.chain.code}")
            out["escalated"] += 1
    return out
