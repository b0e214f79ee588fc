"""Org screens: users (phone, ID card, roles, data scope, password reset, activation), roles and the
permission matrix, organisation tree and contacts, and district scope crossings."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from egov_base.org.models import Role, User
from egov_base.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ID_CARD = "11010519491231002X"


@pytest.fixture
def superuser(make_user):
    return make_user("root", None, "centre", is_superuser=True, is_staff=True)


def user_data(orgs, **kw):
    data = {"username": "zhangwei", "name": "张伟", "organization": orgs["jinjiang"].pk, "position": "科员",
            "phone": "139 8000 1234", "email": "zhangwei@example.gov.cn", "is_active": "on"}
    data.update(kw)
    return data


def test_user_create_with_roles_phone_and_id_card(client, users, orgs):
    client.force_login(users["jj_admin"])
    role = Role.objects.get(code="dept_user")
    resp = client.post(reverse("egov_base:user_add"),
                       user_data(orgs, id_card=ID_CARD.lower(), roles=[role.pk], password="Chengdu@2026ok"))
    assert resp.status_code == 302, resp.context["form"].errors
    u = User.objects.get(username="zhangwei")
    assert u.phone == "+8613980001234"
    assert u.id_card == ID_CARD and u.id_card_hash
    assert u.role_codes == {"dept_user"}
    assert u.check_password("Chengdu@2026ok") and u.must_change_password
    # stored encrypted
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("select id_card from egov_base_user where id=%s", [u.pk])
        assert ID_CARD not in cur.fetchone()[0]
    # detail: masked for the district admin, full for a superuser
    body = client.get(u.get_absolute_url()).content.decode()
    assert "110105********002X" in body and ID_CARD not in body


def test_id_card_shown_to_superuser(client, superuser, orgs):
    u = UserFactory(username="idc", organization=orgs["jinjiang"], id_card=ID_CARD)
    client.force_login(superuser)
    assert ID_CARD in client.get(u.get_absolute_url()).content.decode()


def test_user_create_errors_in_chinese(client, users, orgs):
    client.force_login(users["jj_admin"])
    resp = client.post(reverse("egov_base:user_add"), user_data(orgs, phone="123", id_card="110105194912310021"))
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert "phone" in errors and "id_card" in errors
    assert "校验位" in str(errors["id_card"])
    assert not User.objects.filter(username="zhangwei").exists()
    # weak password refused by the validators, nothing written
    resp = client.post(reverse("egov_base:user_add"), user_data(orgs, password="123"))
    assert resp.status_code == 200 and not User.objects.filter(username="zhangwei").exists()


def test_district_admin_cannot_escalate(client, users, orgs):
    client.force_login(users["jj_admin"])
    form = client.get(reverse("egov_base:user_add")).context["form"]
    codes = {r.code for r in form.fields["roles"].queryset}
    assert "sysadmin" not in codes and "city_admin" not in codes and "dept_user" in codes
    assert {c for c, _l in form.fields["data_scope"].choices} == {"", "district", "org", "self"}
    assert set(form.fields["organization"].queryset) == {orgs["jinjiang"], orgs["jinjiang_sub"]}
    sysadmin_role = Role.objects.get(code="sysadmin")
    resp = client.post(reverse("egov_base:user_add"), user_data(orgs, roles=[sysadmin_role.pk], data_scope="all"))
    assert resp.status_code == 200
    assert {"roles", "data_scope"} <= set(resp.context["form"].errors)
    resp = client.post(reverse("egov_base:user_add"), user_data(orgs, organization=orgs["qingyang"].pk))
    assert "organization" in resp.context["form"].errors
    assert not User.objects.filter(username="zhangwei").exists()


def test_user_edit_keeps_id_card_when_blank(client, users, orgs):
    u = UserFactory(username="keep", organization=orgs["jinjiang"], id_card=ID_CARD, roles="dept_user")
    client.force_login(users["jj_admin"])
    resp = client.get(reverse("egov_base:user_edit", kwargs={"pk": u.pk}))
    assert ID_CARD not in resp.content.decode()
    role = Role.objects.get(code="dept_user")
    resp = client.post(reverse("egov_base:user_edit", kwargs={"pk": u.pk}),
                       user_data(orgs, username="keep", name="新名字", roles=[role.pk], phone=""))
    assert resp.status_code == 302, resp.context["form"].errors
    u.refresh_from_db()
    assert u.name == "新名字" and u.id_card == ID_CARD


def test_scope_crossing_users(client, users, orgs):
    other = users["qy_admin"]
    client.force_login(users["jj_admin"])
    list_body = client.get(reverse("egov_base:user_list"), {"per_page": 100}).content.decode()
    assert other.get_absolute_url() not in list_body and users["dept_user"].get_absolute_url() in list_body
    for name in ("user_detail", "user_edit"):
        assert client.get(reverse(f"egov_base:{name}", kwargs={"pk": other.pk})).status_code == 404
    assert client.post(reverse("egov_base:user_edit", kwargs={"pk": other.pk}), user_data(orgs)).status_code == 404
    assert client.get(reverse("egov_base:org_user_password", kwargs={"pk": other.pk})).status_code == 404
    assert client.post(reverse("egov_base:org_user_active", kwargs={"pk": other.pk}), {"active": "0"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    from egov_base.testing import read_xlsx, response_bytes
    _h, rows = read_xlsx(response_bytes(client.get(reverse("egov_base:user_export"))))
    assert "qy_admin" not in {r[0] for r in rows} and "jj_admin" in {r[0] for r in rows}
    # import a user into the other district: row error, nothing written
    from django.core.files.uploadedfile import SimpleUploadedFile
    f = SimpleUploadedFile("u.csv", "用户名,姓名,所属单位\nqy_new,王五,QY-XZSP\nqy_admin,改名,JJ-XZSP\n".encode())
    resp = client.post(reverse("egov_base:user_import"), {"file": f, "mode": "apply"})
    assert resp.status_code == 400
    assert resp.context["result"].error_count == 2
    assert not User.objects.filter(username="qy_new").exists()
    other.refresh_from_db()
    assert other.name != "改名"


def test_reset_password_and_activation(client, users, orgs):
    u = UserFactory(username="pw", organization=orgs["jinjiang"])
    client.force_login(users["jj_admin"])
    url = reverse("egov_base:org_user_password", kwargs={"pk": u.pk})
    assert client.get(url).status_code == 200
    resp = client.post(url, {"password": ""})
    assert resp.status_code == 200
    new = resp.context["new_password"]
    u.refresh_from_db()
    assert u.check_password(new) and u.must_change_password
    resp = client.post(url, {"password": "short"})
    assert resp.status_code == 400
    u.refresh_from_db()
    assert u.check_password(new)
    client.post(reverse("egov_base:org_user_active", kwargs={"pk": u.pk}), {"active": "0"})
    u.refresh_from_db()
    assert not u.is_active
    client.post(reverse("egov_base:org_user_active", kwargs={"pk": u.pk}), {"active": "1"})
    u.refresh_from_db()
    assert u.is_active
    # cannot deactivate oneself
    me = users["jj_admin"]
    client.post(reverse("egov_base:org_user_active", kwargs={"pk": me.pk}), {"active": "0"})
    me.refresh_from_db()
    assert me.is_active


def test_role_create_and_permission_matrix(client, superuser, users):
    client.force_login(superuser)
    resp = client.post(reverse("egov_base:role_add"), {"code": "net_admin", "name": "网络管理员",
                                                       "default_data_scope": "all", "home": "backend", "sort": 30})
    assert resp.status_code == 302
    role = Role.objects.get(code="net_admin")
    assert role.group.name == "网络管理员" and not role.is_builtin
    url = reverse("egov_base:org_role_permissions", kwargs={"pk": role.pk})
    resp = client.get(url)
    assert resp.status_code == 200
    assert "组织机构" in resp.content.decode() and "可导出组织机构" in resp.content.decode()
    perms = Permission.objects.filter(content_type__app_label="egov_base",
                                      codename__in=["view_organization", "export_organization"])
    resp = client.post(url, {"perm": [p.pk for p in perms]})
    assert resp.status_code == 302
    assert set(role.group.permissions.values_list("codename", flat=True)) == {"view_organization", "export_organization"}
    # duplicate role code: Chinese error, nothing written
    resp = client.post(reverse("egov_base:role_add"), {"code": "net_admin", "name": "另一个", "default_data_scope": "all",
                                                       "home": "backend", "sort": 0})
    assert resp.status_code == 200 and "code" in resp.context["form"].errors
    assert Role.objects.filter(code="net_admin").count() == 1
    # a built-in role cannot be deleted; a role with members is protected
    builtin = Role.objects.get(code="dept_user")
    assert client.post(reverse("egov_base:role_delete", kwargs={"pk": builtin.pk})).status_code == 403
    users["ops"].groups.add(role.group)
    assert client.post(reverse("egov_base:role_delete", kwargs={"pk": role.pk})).status_code == 409
    users["ops"].groups.remove(role.group)
    assert client.post(reverse("egov_base:role_delete", kwargs={"pk": role.pk})).status_code == 302
    assert not Role.objects.filter(code="net_admin").exists()


def test_role_permissions_no_escalation(client, users):
    """A non-superuser with change_role cannot grant permissions they do not hold."""
    from django.contrib.auth.models import Group

    from egov_base.org.services import role_create

    g = Group.objects.create(name="角色管理")
    g.permissions.add(*Permission.objects.filter(codename__in=["view_role", "change_role"]))
    manager = UserFactory(username="rolemgr", organization=users["sysadmin"].organization)
    manager.groups.add(g)
    manager.data_scope = "all"
    manager.save()
    role = role_create(user=users["sysadmin"], data={"code": "x", "name": "X"})
    client.force_login(manager)
    delete_user = Permission.objects.get(codename="delete_user")
    resp = client.post(reverse("egov_base:org_role_permissions", kwargs={"pk": role.pk}), {"perm": [delete_user.pk]})
    assert resp.status_code == 400
    assert not role.group.permissions.exists()


def test_organization_contacts_tab(client, users, orgs):
    from egov_base.tests.factories import OrganizationContactFactory

    OrganizationContactFactory(organization=orgs["jinjiang"], name="何静", phone="13800138000")
    client.force_login(users["jj_admin"])
    resp = client.get(orgs["jinjiang"].get_absolute_url(), {"tab": "contacts"})
    body = resp.content.decode()
    assert "何静" in body and "138 0013 8000" in body
    assert f"?organization={orgs['jinjiang'].pk}" in body
    resp = client.get(reverse("egov_base:organizationcontact_add"), {"organization": orgs["jinjiang"].pk})
    assert resp.context["form"].initial["organization"] == str(orgs["jinjiang"].pk)
