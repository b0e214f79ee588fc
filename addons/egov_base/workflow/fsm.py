"""django-fsm-2 helpers: a ``transition`` wrapper with a label, guard labels and inbox declarations, the
``WorkflowMixin`` for models with a ``state`` FSMField, and the ``run_transition`` service every view, API
and task calls to move an object (permission + data scope + guards, one transaction with a row lock,
process log, inbox tasks, audit)."""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from datetime import timedelta

import django_fsm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField  # noqa: F401  (re-exported)

from ..scope import can_see

logger = logging.getLogger(__name__)


class TransitionError(ValidationError):
    """The transition cannot run now (state changed, guard failed). Message is user-facing Chinese."""


def guard(label):
    """Give a condition function a user-facing label shown when it fails::

        @guard(_("已填写申请理由"))
        def has_reason(self): return bool(self.reason)
    """

    def deco(func):
        func.label = label
        return func

    return deco


def transition(field="state", source="*", target=None, *, label=None, permission=None, conditions=None,
               inbox=None, on_error=None, custom=None):
    """``django_fsm.transition`` with our metadata in ``custom``:

    * ``label`` — the button text and process-log action name (Chinese);
    * ``inbox`` — tasks to open when the target state is reached, a dict with ``roles`` (list of role codes),
      ``assignees`` (callable ``obj -> users``), ``org`` (callable ``obj -> Organization`` limiting a role
      task), ``title`` (str or callable ``obj -> str``), ``due_hours``, ``kind`` ("todo" / "toread");
    * tasks of the source state (opened by the transition that reached it) are completed automatically.
    """
    meta = dict(custom or {})
    if label is not None:
        meta["label"] = label
    if inbox is not None:
        meta["inbox"] = inbox
    return django_fsm.transition(field=field, source=source, target=target, on_error=on_error,
                                 conditions=conditions or [], permission=permission, custom=meta)


def _state_field(model):
    for f in model._meta.fields:
        if isinstance(f, django_fsm.FSMFieldMixin):
            return f
    raise TypeError(f"{model.__name__} has no FSM field")


def _state_label(field, value) -> str:
    for k, v in field.flatchoices or []:
        if k == value:
            return str(v)
    return "" if value is None else str(value)


@dataclass
class AvailableTransition:
    name: str
    label: str
    target: str | None
    custom: dict
    button: str = "primary"


class WorkflowMixin(django_fsm.FSMModelMixin):
    """Mix into a model with one FSMField (usually ``state``) whose transitions are declared with
    ``egov_base.workflow.transition``."""

    workflow_field = None  # name of the FSM field; default: the first FSMField

    @classmethod
    def workflow_state_field(cls):
        if cls.workflow_field:
            return cls._meta.get_field(cls.workflow_field)
        return _state_field(cls)

    @property
    def state_label(self) -> str:
        f = self.workflow_state_field()
        return _state_label(f, getattr(self, f.attname))

    def available_transitions(self, user):
        return available_transitions(self, user)

    @property
    def process_logs(self):
        from .selectors import process_logs

        return process_logs(self)

    def workflow_task_key(self, state) -> str:
        return f"wf:{self._meta.label_lower}:{self.pk}:{state}"


def _field_of(obj):
    model = type(obj)
    if hasattr(model, "workflow_state_field"):
        return model.workflow_state_field()
    return _state_field(model)


def _transitions_of(obj):
    field = _field_of(obj)
    return field, list(field.get_all_transitions(type(obj)))


def _find(obj, name):
    field, all_t = _transitions_of(obj)
    state = field.get_state(obj)
    matching = [t for t in all_t if t.name == name]
    if not matching:
        raise ValueError(f"{type(obj).__name__} has no transition {name!r}")
    current = [t for t in matching if t.source in (state, "*", "+")]
    return field, state, matching, (current[0] if current else None)


def _condition_label(cond) -> str:
    label = getattr(cond, "label", None)
    if label:
        return str(label)
    doc = (getattr(cond, "__doc__", "") or "").strip().splitlines()
    return doc[0] if doc else getattr(cond, "__name__", str(cond))


def failed_conditions(obj, t) -> list[str]:
    return [_condition_label(c) for c in t.conditions if not c(obj)]


def available_transitions(obj, user) -> list[AvailableTransition]:
    """Transitions ``user`` may run on ``obj`` now (state, permission, guards, data scope): for buttons."""
    if not can_see(user, obj):
        return []
    field = _field_of(obj)
    state = field.get_state(obj)
    out, seen = [], set()
    for t in field.get_all_transitions(type(obj)):
        if t.name in seen or t.source not in (state, "*", "+"):
            continue
        if t.source == "+" and t.target == state:
            continue
        if t.custom.get("hidden") or not t.has_perm(obj, user):
            continue
        if any(not c(obj) for c in t.conditions):
            continue
        seen.add(t.name)
        out.append(AvailableTransition(t.name, str(t.custom.get("label") or t.name), t.target, t.custom,
                                       t.custom.get("button", "primary")))
    return out


def _call(method, user, comment, data):
    params = inspect.signature(method).parameters
    kwargs = {}
    for name, value in (("user", user), ("comment", comment), ("data", data)):
        if name in params:
            kwargs[name] = value
    return method(**kwargs)


def _resolve(spec, obj):
    return spec(obj) if callable(spec) else spec


def _open_inbox(obj, spec, state, user):
    from egov_base.inbox.services import task_open

    title = _resolve(spec.get("title"), obj) or _("%(obj)s 待处理") % {"obj": obj}
    due_at = timezone.now() + timedelta(hours=spec["due_hours"]) if spec.get("due_hours") else None
    assignees = _resolve(spec.get("assignees"), obj) if spec.get("assignees") else None
    roles = spec.get("roles")
    org = _resolve(spec.get("org"), obj) if spec.get("org") else None
    if not assignees and not roles:
        return []
    return task_open(
        obj=obj, assignees=list(assignees) if assignees else None, roles=None if assignees else roles, org=org,
        kind=spec.get("kind", "todo"), title=title, url=_resolve(spec.get("url"), obj), due_at=due_at,
        key=obj_task_key(obj, state), source=spec.get("source") or type(obj)._meta.app_label,
    )


def obj_task_key(obj, state) -> str:
    return f"wf:{obj._meta.label_lower}:{obj.pk}:{state}"


def record_audit(**kwargs):
    """Append an audit entry in the caller's transaction (egov_base.audit.services.record_event)."""
    from egov_base.audit.services import record_event

    record_event(**kwargs)


def _actor_snapshot(user):
    org = getattr(user, "organization", None) if getattr(user, "organization_id", None) else None
    return {"actor": user if getattr(user, "pk", None) else None,
            "actor_name": str(user) if user is not None else "", "actor_org": str(org) if org else ""}


def _store_attachments(log, attachments, user) -> list:
    """Attach uploaded files to the process-log row through the files area. Already stored files may be
    passed as dicts ``{"id":..., "name":...}``; anything without content keeps only its name."""
    from egov_base.files.services import attach

    out = []
    for a in attachments or ():
        if isinstance(a, dict):
            out.append(a)
            continue
        entry = {"name": getattr(a, "name", str(a))}
        if hasattr(a, "read"):
            stored = attach(obj=log, file=a, user=user)
            entry["id"] = stored.pk
            entry["url"] = reverse("egov_base:attachment_download", args=[stored.attachment_id]) + f"?v={stored.version}"
        out.append(entry)
    return out


def write_log(*, obj, user, action, action_label="", from_state="", from_label="", to_state="", to_label="",
              comment="", attachments=(), data=None, source="fsm"):
    from .models import ProcessLog

    log = ProcessLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk),
        from_state=from_state or "", from_label=from_label or "", to_state=to_state or "", to_label=to_label or "",
        action=action, action_label=str(action_label or action), comment=comment or "", data=data or {},
        source=source, **_actor_snapshot(user),
    )
    if attachments:
        log.attachments = _store_attachments(log, attachments, user)
        log.save(update_fields=["attachments"])
    return log


def run_transition(obj, name, *, user, comment="", attachments=(), data=None):
    """Run transition ``name`` on ``obj`` for ``user``. Checks data scope, the transition's permission and
    guards (a ``TransitionError`` lists what is missing); locks the row, so of two identical submits one runs
    and the other gets "状态已变化"; saves, writes a ``ProcessLog``, completes the inbox tasks of the old
    state, opens those of the new state, and records an audit event. Returns the refreshed ``obj``."""
    model = type(obj)
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    if not can_see(user, obj):
        raise PermissionDenied(_("您无权访问该记录。"))
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        field, state, matching, t = _find(locked, name)
        label = str(matching[0].custom.get("label") or name)
        if t is None:
            raise TransitionError(
                _("“%(action)s”已无法执行：记录当前状态为“%(state)s”，可能已被他人处理或重复提交。")
                % {"action": label, "state": _state_label(field, state)}
            )
        if not t.has_perm(locked, user):
            raise PermissionDenied(_("您没有执行“%(action)s”的权限。") % {"action": label})
        failed = failed_conditions(locked, t)
        if failed:
            raise TransitionError(
                _("不能执行“%(action)s”，以下条件未满足：%(list)s") % {"action": label, "list": "；".join(failed)}
            )
        _call(getattr(locked, name), user, comment, data)
        locked.save()
        new_state = field.get_state(locked)
        from_label, to_label = _state_label(field, state), _state_label(field, new_state)
        log = write_log(
            obj=locked, user=user, action=name, action_label=label, from_state=str(state), from_label=from_label,
            to_state=str(new_state), to_label=to_label, comment=comment, attachments=attachments, data=data,
        )
        from egov_base.inbox.services import task_cancel, task_complete

        if new_state != state:
            task_complete(key=obj_task_key(locked, state), user=user, result=name)
            spec = t.custom.get("inbox")
            if spec:
                _open_inbox(locked, spec, new_state, user)
            for old in t.custom.get("cancel_states", ()):
                task_cancel(key=obj_task_key(locked, old), user=user)
        record_audit(action="transition", obj=locked,
                     message=f"{label}：{from_label} → {to_label}",
                     data={"transition": name, "from": str(state), "to": str(new_state), "comment": comment,
                           "log_id": log.pk})
    # hand the new state back to the caller's instance
    for f in model._meta.concrete_fields:
        if not f.primary_key:
            obj.__dict__[f.attname] = getattr(locked, f.attname)
    return obj
