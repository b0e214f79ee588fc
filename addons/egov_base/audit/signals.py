"""Automatic change logging and authentication events (connected from EgovBaseConfig.ready()).

Audited models: every concrete model of ``egov_base`` and of apps whose label starts with ``egov_``, except
``AuditEntry`` and models that set ``audit_exclude = True`` (delivery/message/call logs, password history).
Fields listed in a model's ``audit_ignore_fields`` (plus ``updated_at``, ``updated_by``, ``last_login``) do not
produce update entries.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .services import SENSITIVE_MARK, record_event, to_json

IGNORED_FIELDS = {"updated_at", "updated_by", "last_login", "path", "depth"}
SENSITIVE_NAMES = {"password", "secret", "token", "client_secret"}


def is_audited(model) -> bool:
    meta = getattr(model, "_meta", None)
    if meta is None or meta.abstract:
        return False
    label = meta.app_label
    if not (label == "egov_base" or label.startswith("egov_")):
        return False
    if meta.model_name == "auditentry" or getattr(model, "audit_exclude", False):
        return False
    if meta.auto_created:  # m2m through tables: logged through m2m_changed
        return False
    return True


def is_sensitive(field_name: str) -> bool:
    name = field_name.lower()
    return (
        name in SENSITIVE_NAMES
        or "id_card" in name
        or name.endswith("_hash")
        or "password" in name
        or "secret" in name
        or name.endswith("_token")
    )


def _fields(model):
    ignore = IGNORED_FIELDS | set(getattr(model, "audit_ignore_fields", ()))
    return [f for f in model._meta.concrete_fields if f.name not in ignore and not f.primary_key]


def _snapshot_from_instance(instance) -> dict:
    return {f.name: f.value_from_object(instance) for f in _fields(type(instance))}


def _diff(model, old: dict | None, new: dict) -> dict:
    changes = {}
    for name, new_value in new.items():
        old_value = old.get(name) if old is not None else None
        if old is not None and name not in old:
            continue
        if old_value == new_value:
            continue
        if old is None and new_value in (None, "", [], {}):
            continue
        if is_sensitive(name):
            changes[name] = [None, SENSITIVE_MARK]
        else:
            changes[name] = to_json([old_value, new_value])
    return changes


@receiver(pre_save, dispatch_uid="egov_audit_pre_save")
def _audit_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not is_audited(sender) or instance.pk is None or instance._state.adding:
        instance._audit_old = None
        return
    fields = _fields(sender)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    if not fields:
        instance._audit_old = {}
        return
    row = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    instance._audit_old = {f.name: row[f.attname] for f in fields} if row is not None else None


@receiver(post_save, dispatch_uid="egov_audit_post_save")
def _audit_post_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not is_audited(sender):
        return
    old = getattr(instance, "_audit_old", None)
    instance._audit_old = None
    new = _snapshot_from_instance(instance)
    if created or old is None:
        record_event(action="create", obj=instance, changes=_diff(sender, None, new))
        return
    new = {k: v for k, v in new.items() if k in old}
    changes = _diff(sender, old, new)
    if changes:
        record_event(action="update", obj=instance, changes=changes)


@receiver(post_delete, dispatch_uid="egov_audit_post_delete")
def _audit_post_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    snapshot = _snapshot_from_instance(instance)
    changes = {}
    for name, value in snapshot.items():
        if value in (None, "", [], {}):
            continue
        changes[name] = [SENSITIVE_MARK, None] if is_sensitive(name) else to_json([value, None])
    record_event(action="delete", obj=instance, changes=changes)


def _m2m_field_name(sender, instance_model) -> str | None:
    for field in instance_model._meta.many_to_many:
        if field.remote_field.through is sender:
            return field.name
    return None


def _reprs(manager) -> list[str]:
    return sorted(str(o) for o in manager.all())


@receiver(m2m_changed, dispatch_uid="egov_audit_m2m")
def _audit_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"):
        return
    if not reverse and is_audited(type(instance)):
        name = _m2m_field_name(sender, type(instance))
        if name is None:
            return
        manager = getattr(instance, name)
        if action.startswith("pre_"):
            instance.__dict__.setdefault("_audit_m2m_old", {})[name] = _reprs(manager)
            return
        old = instance.__dict__.get("_audit_m2m_old", {}).pop(name, None)
        new = _reprs(manager)
        if old is not None and old != new:
            record_event(action="update", obj=instance, changes={name: [old, new]}, data={"m2m": action[5:]})
    elif reverse and is_audited(model) and action.startswith("post_") and action != "post_clear" and pk_set:
        # e.g. group.user_set.add(user): log on each user
        name = _m2m_field_name(sender, model)
        if name is None:
            return
        verb = "added" if action == "post_add" else "removed"
        for obj in model._base_manager.filter(pk__in=pk_set):
            record_event(action="update", obj=obj, changes={name: {verb: [str(instance)]}}, data={"m2m": action[5:]})


# --- authentication ------------------------------------------------------------------------------------


def _set_request_context_user(request, user):
    from ..context import get_context

    ctx = get_context()
    if ctx is not None and user is not None:
        ctx.user = user


@receiver(user_logged_in, dispatch_uid="egov_audit_login")
def _audit_login(sender, request, user, **kwargs):
    _set_request_context_user(request, user)
    method = getattr(request, "egov_auth_method", None) or "password"
    record_event(action="login", obj=user, user=user, message="", data={"method": method})


@receiver(user_logged_out, dispatch_uid="egov_audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(action="logout", obj=user, user=user)


@receiver(user_login_failed, dispatch_uid="egov_audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or credentials.get("email") or "")[:150]
    record_event(
        action="login_failed",
        user=None,
        actor_name=username,
        message="",
        data={"username": username, "path": getattr(request, "path", "")},
    )


@receiver(user_locked_out, dispatch_uid="egov_audit_locked")  # django-axes lockout
def _audit_locked(sender, request, username=None, ip_address=None, **kwargs):
    record_event(action="locked", user=None, actor_name=str(username or "")[:150],
                 data={"username": username, "ip": ip_address})


# Password history and expiry bookkeeping of the security area.
try:
    from ..security import signals as _security_signals  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover
    if exc.name != "egov_base.security.signals":
        raise

