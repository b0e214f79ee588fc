"""Writes of the org area: users, roles, permissions. Keyword-only, one transaction per write."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..context import acting_as, get_current_user
from ..generic.services import object_in_scope, record_event
from .models import Role, User
from .selectors import assignable_roles, assignable_scopes


def _acting(user):
    if get_current_user() is None and user is not None:
        return acting_as(user, source="web")
    from contextlib import nullcontext

    return nullcontext()


def _check_roles(user, roles):
    allowed = set(assignable_roles(user).values_list("pk", flat=True))
    bad = [r for r in roles if r.pk not in allowed]
    if bad:
        raise ValidationError({"roles": _("您无权分配角色：%(r)s") % {"r": "、".join(str(r) for r in bad)}})


def _check_scope(user, target):
    if target.data_scope and target.data_scope not in assignable_scopes(user):
        raise ValidationError({"data_scope": _("不能分配比您自己更大的数据范围。")})
    if not object_in_scope(user, target):
        raise ValidationError({"organization": _("所属单位超出您的数据范围。")})


def _set_roles(target, roles):
    role_groups = set(Role.objects.values_list("group_id", flat=True))
    keep = [g for g in target.groups.all() if g.pk not in role_groups]
    target.groups.set(keep + [r.group for r in roles])
    target.__dict__.pop("roles", None)
    target.__dict__.pop("role_codes", None)


def user_create(*, user, data: dict, roles=(), password: str | None = None) -> User:
    """Create a real-name user. ``data``: username, name, organization, position, phone, email, id_card,
    data_scope, is_active. Returns the user; raises ValidationError (nothing written) on bad input."""
    roles = list(roles)
    _check_roles(user, roles)
    target = User(**{k: v for k, v in data.items() if k != "roles"})
    if password:
        validate_password(password, target)
        target.set_password(password)
        target.password_changed_at = timezone.now()
        target.must_change_password = True
    else:
        target.set_unusable_password()
    _check_scope(user, target)
    target.full_clean(exclude=["password"])
    with _acting(user), transaction.atomic():
        target.save()
        _set_roles(target, roles)
    record_event(action="create", obj=target, model=User, message=str(target), data={"roles": [r.code for r in roles]})
    return target


def user_update(*, user, target: User, data: dict, roles=None) -> User:
    """Update fields in ``data`` (an empty ``id_card`` keeps the stored number) and, when given, the roles."""
    for k, v in data.items():
        if k == "id_card" and not v:
            continue
        setattr(target, k, v)
    if roles is not None:
        roles = list(roles)
        current = set(target.groups.values_list("pk", flat=True))
        _check_roles(user, [r for r in roles if r.group_id not in current])
    _check_scope(user, target)
    target.full_clean(exclude=["password"])
    with _acting(user), transaction.atomic():
        target.save()
        if roles is not None:
            _set_roles(target, roles)
    record_event(action="update", obj=target, model=User, message=str(target), data={})
    return target


def generate_password(length: int = 12) -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length - 2)) + secrets.choice("@#%&*") + secrets.choice(string.digits)
        if any(c.islower() for c in pw) and any(c.isupper() for c in pw):
            return pw


def user_reset_password(*, user, target: User, password: str | None = None) -> str:
    """Set a new password (generated when not given); the user must change it at next login."""
    if not object_in_scope(user, target):
        raise PermissionDenied
    password = password or generate_password()
    validate_password(password, target)
    with _acting(user), transaction.atomic():
        target.set_password(password)
        target.must_change_password = True
        target.password_changed_at = timezone.now()
        target.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(action="update", obj=target, model=User, message=str(_("重置密码")), data={"field": "password"})
    return password


def user_set_active(*, user, target: User, active: bool) -> User:
    if not object_in_scope(user, target):
        raise PermissionDenied
    if target.pk == user.pk and not active:
        raise ValidationError(_("不能停用自己的账号。"))
    with _acting(user), transaction.atomic():
        target.is_active = active
        target.save(update_fields=["is_active"])
    record_event(action="update", obj=target, model=User, message=str(_("启用") if active else _("停用")),
                 data={"is_active": active})
    return target


def role_create(*, user, data: dict) -> Role:
    """Create a Role and its permission Group. ``data``: code, name, description, default_data_scope, home, sort."""
    name = str(data.get("name") or "").strip()
    if Group.objects.filter(name=name).exists():
        raise ValidationError({"name": _("已存在同名的权限组。")})
    role = Role(**{k: v for k, v in data.items() if k in {"code", "name", "description", "default_data_scope", "home", "sort"}})
    role.group = Group(name=name)
    role.full_clean(exclude=["group"])
    with _acting(user), transaction.atomic():
        role.group.save()
        role.group_id = role.group.pk
        role.save()
    record_event(action="create", obj=role, model=Role, message=str(role), data={})
    return role


def role_update(*, user, role: Role, data: dict) -> Role:
    for k, v in data.items():
        if k in {"name", "description", "default_data_scope", "home", "sort"} or (k == "code" and not role.is_builtin):
            setattr(role, k, v)
    role.full_clean(exclude=["group"])
    with _acting(user), transaction.atomic():
        role.save()
        if role.group.name != role.name and not Group.objects.filter(name=role.name).exclude(pk=role.group_id).exists():
            role.group.name = role.name
            role.group.save(update_fields=["name"])
    record_event(action="update", obj=role, model=Role, message=str(role), data={})
    return role


def role_delete(*, user, role: Role) -> None:
    if role.is_builtin:
        raise PermissionDenied
    from ..generic.services import DeleteProtected

    members = list(User.objects.filter(groups=role.group_id)[:50])
    if members:
        raise DeleteProtected(members)
    label = str(role)
    with _acting(user), transaction.atomic():
        group = role.group
        role.delete()
        group.delete()
    record_event(action="delete", obj=None, model=Role, message=label, data={})


def role_set_permissions(*, user, role: Role, permission_ids) -> Role:
    """Replace the role's permissions. A non-superuser cannot grant permissions they do not hold; the
    sysadmin role always keeps every permission."""
    ids = {int(p) for p in permission_ids if str(p).isdigit()}
    perms = list(Permission.objects.filter(pk__in=ids).select_related("content_type"))
    if len(perms) != len(ids):
        raise ValidationError(_("包含不存在的权限。"))
    if not user.is_superuser:
        held = user.get_all_permissions()
        current = set(role.group.permissions.values_list("pk", flat=True))
        extra = [p for p in perms if p.pk not in current and f"{p.content_type.app_label}.{p.codename}" not in held]
        if extra:
            raise ValidationError(_("不能授予您自己没有的权限：%(p)s") % {"p": "、".join(str(p.name) for p in extra[:5])})
    if role.code == "sysadmin":
        raise ValidationError(_("系统管理员角色始终拥有全部权限，无需设置。"))
    with _acting(user), transaction.atomic():
        before = set(role.group.permissions.values_list("pk", flat=True))
        role.group.permissions.set(perms)
    record_event(action="update", obj=role, model=Role, message=str(_("设置角色权限")),
                 data={"added": sorted(ids - before), "removed": sorted(before - ids)})
    return role
