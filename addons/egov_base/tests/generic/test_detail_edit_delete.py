"""Detail tabs, comments, create/edit through services, delete confirmation and protection, bulk delete."""

import pytest
from django.urls import reverse

from egov_base.generic.models import Comment
from egov_base.generic.registry import _TABS, register_detail_tab
from egov_base.org.models import Organization, OrganizationContact
from egov_base.tests.factories import OrganizationContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_detail_tabs_and_registered_tab(client, users, orgs):
    register_detail_tab(key="test_extra", label="附加", template="egov_base/org/partials/children_tab.html",
                        context=lambda request, obj: {"children": []}, order=50,
                        condition=lambda request, obj: obj.code == "JJ-XZSP", models=[Organization])
    try:
        client.force_login(users["sysadmin"])
        resp = client.get(orgs["jinjiang"].get_absolute_url())
        keys = [t.key for t in resp.context["tabs"]]
        assert keys[0] == "fields" and "contacts" in keys and "comments" in keys and "test_extra" in keys
        assert "锦江区行政审批局" in resp.content.decode()
        resp = client.get(orgs["qingyang"].get_absolute_url())
        assert "test_extra" not in [t.key for t in resp.context["tabs"]]
        resp = client.get(orgs["jinjiang"].get_absolute_url(), {"tab": "contacts"})
        assert resp.status_code == 200 and resp.context["active_tab"].key == "contacts"
        resp = client.get(orgs["jinjiang"].get_absolute_url(), {"tab": "sub_orgs"}, HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="generic-tab")
        assert "锦江区行政审批局信息科" in resp.content.decode() and "<html" not in resp.content.decode()
    finally:
        _TABS.pop("test_extra", None)


def test_comment_add_idempotent(client, users, orgs):
    client.force_login(users["jj_admin"])
    url = reverse("egov_base:organization_comment", kwargs={"pk": orgs["jinjiang"].pk})
    for _ in range(2):
        resp = client.post(url, {"body": "请补充联系人", "idempotency_key": "k-1"})
        assert resp.status_code == 302
    assert Comment.objects.count() == 1
    client.post(url, {"body": "   "})
    assert Comment.objects.count() == 1
    resp = client.get(orgs["jinjiang"].get_absolute_url(), {"tab": "comments"})
    assert "请补充联系人" in resp.content.decode()
    # another district cannot comment on it
    client.force_login(users["qy_admin"])
    assert client.post(url, {"body": "x"}).status_code == 404


def test_create_and_edit_organization(client, users, orgs, regions):
    client.force_login(users["jj_admin"])
    resp = client.get(reverse("egov_base:organization_add"))
    form = resp.context["form"]
    assert set(form.fields["parent"].queryset) == {orgs["jinjiang"], orgs["jinjiang_sub"]}
    data = {"name": "锦江区数据局", "code": "JJ-SJJ", "kind": "district_dept", "region": regions["锦江区"].pk,
            "phone": "028-86612345", "sort": 0, "is_active": "on"}
    resp = client.post(reverse("egov_base:organization_add"), data)
    assert resp.status_code == 302
    org = Organization.objects.get(code="JJ-SJJ")
    assert org.phone == "+862886612345" and org.created_by == users["jj_admin"]
    # duplicate code: Chinese error next to the field, nothing written
    resp = client.post(reverse("egov_base:organization_add"), data)
    assert resp.status_code == 200 and "code" in resp.context["form"].errors
    assert Organization.objects.filter(code="JJ-SJJ").count() == 1
    # bad phone
    resp = client.post(reverse("egov_base:organization_edit", kwargs={"pk": org.pk}), {**data, "phone": "12"})
    assert resp.status_code == 200 and "phone" in resp.context["form"].errors
    # creating an organisation in another district is refused (scope), nothing written
    resp = client.post(reverse("egov_base:organization_add"), {**data, "code": "QY-NEW", "region": regions["青羊区"].pk})
    assert resp.status_code == 200
    assert "数据范围" in str(resp.context["form"].non_field_errors())
    assert not Organization.objects.filter(code="QY-NEW").exists()
    # parent outside scope is not an allowed choice
    resp = client.post(reverse("egov_base:organization_add"), {**data, "code": "JJ-X2", "parent": orgs["qingyang"].pk})
    assert "parent" in resp.context["form"].errors
    resp = client.post(reverse("egov_base:organization_edit", kwargs={"pk": org.pk}), {**data, "name": "锦江区数据资源局"})
    assert resp.status_code == 302
    org.refresh_from_db()
    assert org.name == "锦江区数据资源局"


def test_delete_confirmation_and_protection(client, users, orgs):
    client.force_login(users["sysadmin"])
    # jinjiang has users and a child: protected
    url = reverse("egov_base:organization_delete", kwargs={"pk": orgs["jinjiang"].pk})
    resp = client.get(url)
    assert resp.status_code == 200
    # the confirmation page names the blocking rows before anyone confirms
    assert "不能删除" in resp.content.decode() and "确认删除" not in resp.content.decode()
    resp = client.post(url)
    assert resp.status_code == 409
    assert resp.context["protected"]
    assert "不能删除" in resp.content.decode()
    assert Organization.objects.filter(pk=orgs["jinjiang"].pk).exists()
    lone = OrganizationFactory(name="待删除单位", code="DEL-1")
    assert "确认删除" in client.get(reverse("egov_base:organization_delete", kwargs={"pk": lone.pk})).content.decode()
    resp = client.post(reverse("egov_base:organization_delete", kwargs={"pk": lone.pk}))
    assert resp.status_code == 302
    assert not Organization.objects.filter(pk=lone.pk).exists()


def test_bulk_delete_all_or_nothing(client, users, orgs):
    client.force_login(users["sysadmin"])
    a = OrganizationContactFactory(organization=orgs["jinjiang"], name="张三")
    b = OrganizationContactFactory(organization=orgs["qingyang"], name="李四")
    url = reverse("egov_base:organizationcontact_bulk_delete")
    resp = client.post(url, {"pk": [a.pk, b.pk]})
    assert resp.status_code == 200 and len(resp.context["objects"]) == 2
    assert OrganizationContact.objects.count() == 2
    resp = client.post(url, {"pk": [a.pk, b.pk], "confirm": "1"})
    assert resp.status_code == 302
    assert OrganizationContact.objects.count() == 0
    # protected rows in a bulk delete: nothing deleted
    lone = OrganizationFactory(name="空单位", code="EMPTY-1")
    resp = client.post(reverse("egov_base:organization_bulk_delete"),
                       {"pk": [lone.pk, orgs["qingyang"].pk], "confirm": "1"})
    assert resp.status_code == 409
    assert Organization.objects.filter(pk=lone.pk).exists()


def test_bulk_delete_ignores_out_of_scope_rows(client, users, orgs):
    own = OrganizationContactFactory(organization=orgs["jinjiang"], name="张三")
    other = OrganizationContactFactory(organization=orgs["qingyang"], name="李四")
    client.force_login(users["jj_admin"])
    resp = client.post(reverse("egov_base:organizationcontact_bulk_delete"), {"pk": [own.pk, other.pk], "confirm": "1"})
    assert resp.status_code == 302
    assert not OrganizationContact.objects.filter(pk=own.pk).exists()
    assert OrganizationContact.objects.filter(pk=other.pk).exists()
