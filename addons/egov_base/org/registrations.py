"""Org area registrations: generic views of the org models, detail tabs, default role grants, menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..generic.registry import ExtraAction, ModelConfig, register, register_detail_tab
from ..ui.menu import MenuItem, register_menu
from .forms import RoleForm, UserForm
from .models import Organization, OrganizationContact, Region, Role, User
from .roles import grant


# --- service adapters (generic views call these with the bound form) --------------------------------------
def _user_create(*, user, form):
    from . import services

    return services.user_create(user=user, data=form.service_data(), roles=form.cleaned_data.get("roles") or [],
                                password=form.cleaned_data.get("password") or None)


def _user_update(*, user, obj, form):
    from . import services

    return services.user_update(user=user, target=obj, data=form.service_data(),
                                roles=form.cleaned_data.get("roles") or [])


def _role_create(*, user, form):
    from . import services

    return services.role_create(user=user, data=dict(form.cleaned_data))


def _role_update(*, user, obj, form):
    from . import services

    return services.role_update(user=user, role=obj, data=dict(form.cleaned_data))


def _role_delete(*, user, obj):
    from . import services

    services.role_delete(user=user, role=obj)


def _id_card(request, obj):
    from .selectors import can_view_id_card

    if not obj.id_card:
        return ""
    return obj.id_card if request is not None and can_view_id_card(request.user) else obj.id_card_masked


def _roles(request, obj):
    return "、".join(str(r) for r in obj.roles)


# --- registrations -----------------------------------------------------------------------------------------
register(Region, ModelConfig(
    menu="org", tree=True,
    list_display=["name", "code", "level", "kind", "is_active"],
    list_filter=["level", "kind", "is_active"],
    search_fields=["name", "code"],
    ordering=["path"],
    form_fields=["code", "name", "level", "kind", "parent", "sort", "is_active"],
    detail_fields=["name", "code", "level", "kind", "parent", "district", "is_active"],
    import_fields=["code", "name", "level", "kind", "parent", "is_active"],
    import_key="code",
    select_related=["parent"],
    comments=False,
))

register(Organization, ModelConfig(
    menu="org", tree=True,
    list_display=["name", "short_name", "code", "kind", "region", "parent", "phone", "is_active", "created_at"],
    default_columns=["name", "code", "kind", "region", "is_active"],
    list_filter=["kind", "region", "is_active"],
    search_fields=["name", "short_name", "code"],
    sortable=["name", "short_name", "code", "kind", "region", "parent", "is_active", "created_at"],
    ordering=["path"],
    form_fields=["name", "short_name", "code", "kind", "parent", "region", "duties", "address", "phone", "email",
                 "sort", "is_active"],
    fieldsets=[
        (_("基本信息"), ["name", "short_name", "code", "kind", "parent", "region", "district", "is_active"]),
        (_("职能与联系方式"), ["duties", "address", "phone", "email"]),
        (_("记录信息"), ["created_at", "created_by", "updated_at", "updated_by"]),
    ],
    import_fields=["name", "short_name", "code", "kind", "parent", "region", "duties", "address", "phone", "email",
                   "is_active"],
    import_key="code",
    export_perm="egov_base.export_organization",
    select_related=["region", "parent"],
))

register(OrganizationContact, ModelConfig(
    menu="org",
    list_display=["name", "organization", "position", "phone", "email", "is_primary"],
    list_filter=["organization", "is_primary"],
    search_fields=["name", "position", "phone", "organization__name"],
    ordering=["organization__path", "-is_primary", "name"],
    form_fields=["organization", "name", "position", "phone", "email", "is_primary"],
    import_fields=["organization", "name", "position", "phone", "email", "is_primary"],
))

register(User, ModelConfig(
    menu="org",
    list_display=["username", "name", "organization", "position", "phone", "email", "data_scope", "is_active",
                  "last_login"],
    default_columns=["username", "name", "organization", "position", "phone", "is_active"],
    list_filter=["organization", "data_scope", "is_active"],
    search_fields=["username", "name", "phone", "email", "position"],
    sortable=["username", "name", "organization", "position", "is_active", "last_login"],
    ordering=["username"],
    form_class=UserForm,
    fieldsets=[
        (_("账号"), ["username", "name", "organization", "position", "roles", "data_scope", "is_active"]),
        (_("联系方式与身份"), ["phone", "email", "id_card"]),
        (_("登录"), ["last_login", "date_joined", "must_change_password", "password_changed_at"]),
    ],
    field_renderers={"id_card": _id_card, "roles": _roles},
    import_fields=["username", "name", "organization", "position", "phone", "email"],
    import_key="username",
    create_service=_user_create,
    update_service=_user_update,
    can_delete=False,
    actions=[
        ExtraAction(label=_("重置密码"), url_name="egov_base:org_user_password", icon="ti ti-key",
                    perm="egov_base.change_user"),
    ],
    comments=False,
    detail_template="egov_base/org/user_detail.html",
))

register(Role, ModelConfig(
    menu="org",
    list_display=["name", "code", "default_data_scope", "home", "is_builtin", "sort"],
    list_filter=["default_data_scope", "home", "is_builtin"],
    search_fields=["name", "code"],
    ordering=["sort", "code"],
    form_class=RoleForm,
    detail_fields=["name", "code", "description", "default_data_scope", "home", "is_builtin", "sort"],
    create_service=_role_create,
    update_service=_role_update,
    delete_service=_role_delete,
    can_import=False,
    actions=[
        ExtraAction(label=_("权限设置"), url_name="egov_base:org_role_permissions", icon="ti ti-shield-lock",
                    perm="egov_base.change_role"),
    ],
    comments=False,
))


# --- detail tabs -------------------------------------------------------------------------------------------
def _contacts_ctx(request, obj):
    from ..validators import format_phone
    from .selectors import contact_list

    contacts = list(contact_list(user=request.user, organization=obj)[:200])
    for c in contacts:
        c.phone_fmt = format_phone(c.phone)
    return {"contacts": contacts,
            "can_add_contact": request.user.has_perm("egov_base.add_organizationcontact")}


def _org_users_ctx(request, obj):
    from .selectors import user_list

    return {"org_users": user_list(user=request.user).filter(organization=obj).order_by("username")[:200]}


register_detail_tab(key="contacts", label=_("联系人"), template="egov_base/org/partials/contacts_tab.html",
                    context=_contacts_ctx, order=5, models=[Organization],
                    condition=lambda request, obj: request.user.has_perm("egov_base.view_organizationcontact"))
register_detail_tab(key="org_users", label=_("用户"), template="egov_base/org/partials/users_tab.html",
                    context=_org_users_ctx, order=6, models=[Organization],
                    condition=lambda request, obj: request.user.has_perm("egov_base.view_user"))
register_detail_tab(key="sub_orgs", label=_("下级单位"), template="egov_base/org/partials/children_tab.html",
                    context=lambda request, obj: {"children": __import__("egov_base.scope", fromlist=["x"]).scope_queryset(
                        obj.children.select_related("region").order_by("sort", "name"), request.user)},
                    order=7, models=[Organization])


# --- default grants of the built-in roles ------------------------------------------------------------------
_READ = ("egov_base.view_region", "egov_base.view_organization", "egov_base.view_organizationcontact")
for _code in ("city_admin", "district_admin", "dept_user", "centre_leader", "dept_head", "reviewer", "service_desk",
              "ops_engineer"):
    grant(_code, *_READ)
for _code in ("city_admin", "district_admin"):
    grant(_code,
          "egov_base.add_organization", "egov_base.change_organization", "egov_base.export_organization",
          "egov_base.add_organizationcontact", "egov_base.change_organizationcontact",
          "egov_base.delete_organizationcontact",
          "egov_base.view_user", "egov_base.add_user", "egov_base.change_user",
          "egov_base.view_role")
grant("service_desk", "egov_base.view_user")
grant("dept_head", "egov_base.view_user", "egov_base.export_organization")


# --- menu --------------------------------------------------------------------------------------------------
register_menu(
    "org", _("组织与权限"), "ti ti-sitemap", 80,
    items=[
        MenuItem(_("组织机构"), "egov_base:organization_list", "egov_base.view_organization"),
        MenuItem(_("单位联系人"), "egov_base:organizationcontact_list", "egov_base.view_organizationcontact"),
        MenuItem(_("用户"), "egov_base:user_list", "egov_base.view_user"),
        MenuItem(_("角色与权限"), "egov_base:role_list", "egov_base.view_role"),
        MenuItem(_("行政区划"), "egov_base:region_list", "egov_base.view_region"),
    ],
)
