"""Built-in roles and the default permissions apps grant them. Administrators add more roles in the UI.

Apps declare grants in their registrations module: ``grant("service_desk", "egov_helpdesk.add_ticket", ...)``;
``manage.py egov_sync_roles`` (run by migrate's post_migrate and by the demo command) creates the groups and adds
the declared permissions without removing what administrators added.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from ..scope import DataScope

BUILTIN_ROLES = [
    # code, name, default scope, home, description
    ("sysadmin", _("系统管理员"), DataScope.ALL, "backend", _("平台配置、用户与权限、审计")),
    ("city_admin", _("市级管理员"), DataScope.CITY, "backend", _("管理市级部门的数据与业务")),
    ("district_admin", _("区县管理员"), DataScope.DISTRICT, "backend", _("管理本区(市)县的数据与业务")),
    ("dept_user", _("部门用户"), DataScope.ORG, "portal", _("各委办局、区县部门的业务人员，使用服务门户")),
    ("centre_leader", _("中心领导"), DataScope.ALL, "cockpit", _("大数据中心领导，查看驾驶舱与报表，审批")),
    ("dept_head", _("部门负责人"), DataScope.ALL, "backend", _("中心各部门负责人，分派任务、审核")),
    ("reviewer", _("评审人员"), DataScope.ALL, "backend", _("方案预审、会签、审核")),
    ("service_desk", _("服务台"), DataScope.ALL, "backend", _("受理服务请求与工单")),
    ("ops_engineer", _("运维工程师"), DataScope.ALL, "backend", _("处理工单、变更、告警")),
    ("auditor", _("安全审计员"), DataScope.ALL, "backend", _("查阅审计日志与统计、校验日志完整性（三员分立）")),
]

BASE_ROLE_CODES = frozenset(code for code, *_rest in BUILTIN_ROLES)  # the foundation's own roles

_GRANTS: dict[str, set[str]] = defaultdict(set)


def register_role(code: str, name, scope: str, home: str = "backend", description="") -> None:
    """A domain app adds a built-in role of its own (e.g. project review's 接件人员) from its registrations module.
    Synchronised like the base roles; registering the same code twice keeps the first declaration."""
    if not any(r[0] == code for r in BUILTIN_ROLES):
        BUILTIN_ROLES.append((code, name, scope, home, description))


def grant(role_code: str, *perms: str) -> None:
    """Declare that a built-in role gets these permissions ("app_label.codename") by default."""
    _GRANTS[role_code].update(perms)


def grants() -> dict[str, set[str]]:
    return dict(_GRANTS)


def sync_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    from .models import Role

    for sort, (code, name, scope, home, desc) in enumerate(BUILTIN_ROLES):
        role = Role.objects.filter(code=code).select_related("group").first()
        if role is None:
            group, _created = Group.objects.get_or_create(name=str(name))
            role = Role.objects.create(
                group=group, code=code, name=str(name), default_data_scope=scope, home=home,
                description=str(desc), is_builtin=True, sort=sort,
            )
        wanted = _GRANTS.get(code, set())
        if code == "sysadmin":
            role.group.permissions.set(Permission.objects.all())
            continue
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        role.group.permissions.add(*perms)
