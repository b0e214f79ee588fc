from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from egov_base.api.models import SystemToken
from egov_base.api.services import system_token_create
from egov_base.audit.models import AuditEntry
from egov_base.org.models import Organization, User

ORG = "/api/v1/egov_base/organization/"
USERS = "/api/v1/egov_base/user/"


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_me(api, users):
    api.force_authenticate(users["jj_admin"])
    data = api.get("/api/v1/me/").json()
    assert data["username"] == "jj_admin" and data["data_scope"] == "district"
    assert {"code": "district_admin", "name": "区县管理员"} in data["roles"]


@pytest.mark.django_db
def test_anonymous_refused_with_chinese_message(api, users):
    r = api.get(ORG)
    assert r.status_code in (401, 403)
    body = r.json()
    assert set(body) == {"code", "message", "errors"} and "登录" in body["message"]


def _grant(user, *codenames):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="egov_base", codename__in=codenames))
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_district_admin_cannot_cross_districts(api, users, orgs):
    jj = _grant(users["jj_admin"], "view_organization", "change_organization", "delete_organization", "add_organization",
                "view_user", "change_user", "delete_user")
    api.force_authenticate(jj)
    listed = {o["code"] for o in api.get(ORG, {"page_size": 100}).json()["results"]}
    assert "JJ-XZSP" in listed and "JJ-XZSP-XX" in listed
    assert "QY-XZSP" not in listed and "CITY-JXJ" not in listed
    qy = orgs["qingyang"]
    assert api.get(f"{ORG}{qy.pk}/").status_code == 404
    r = api.patch(f"{ORG}{qy.pk}/", {"name": "篡改"}, format="json")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert api.delete(f"{ORG}{qy.pk}/").status_code == 404
    qy.refresh_from_db()
    assert qy.name == "青羊区行政审批局"

    usernames = {u["username"] for u in api.get(USERS, {"page_size": 100}).json()["results"]}
    assert "dept_user" in usernames and "qy_admin" not in usernames and "sysadmin" not in usernames
    qy_admin = users["qy_admin"]
    assert api.get(f"{USERS}{qy_admin.pk}/").status_code == 404
    assert api.patch(f"{USERS}{qy_admin.pk}/", {"name": "x"}, format="json").status_code == 404
    assert api.delete(f"{USERS}{qy_admin.pk}/").status_code == 404
    assert User.objects.filter(pk=qy_admin.pk, is_active=True).exists()

    # moving an own user to another district's organisation is refused with a field error
    r = api.patch(f"{USERS}{users['dept_user'].pk}/", {"organization": qy.pk}, format="json")
    assert r.status_code == 400 and "organization" in r.json()["errors"]
    # creating an organisation outside the district is refused and leaves nothing
    r = api.post(ORG, {"name": "越权单位", "code": "X-1", "kind": "district_dept", "region": qy.region_id}, format="json")
    assert r.status_code == 403
    assert not Organization.objects.filter(code="X-1").exists()
    assert not AuditEntry.objects.filter(object_repr="越权单位").exists()


@pytest.mark.django_db
def test_get_needs_view_permission(api, make_user):
    nobody = make_user("no_role_user", None, "jinjiang")
    api.force_authenticate(nobody)
    r = api.get(ORG)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert AuditEntry.objects.filter(action="denied", actor=nobody).exists()


@pytest.mark.django_db
def test_api_write_is_audited_and_api_call_recorded(api, users, orgs):
    admin = _grant(users["jj_admin"], "view_organization", "change_organization")
    api.force_authenticate(admin)
    jj = orgs["jinjiang"]
    r = api.patch(f"{ORG}{jj.pk}/", {"short_name": "锦江审批"}, format="json")
    assert r.status_code == 200, r.content
    entry = AuditEntry.objects.filter(action="update", object_id=str(jj.pk), content_type__model="organization").last()
    assert entry.changes["short_name"] == ["", "锦江审批"] and entry.actor == admin and entry.source == "api"
    call = AuditEntry.objects.filter(action="api_call").last()
    assert call.data["method"] == "PATCH" and call.data["status"] == 200 and "latency_ms" in call.data


@pytest.mark.django_db
def test_validation_errors_in_one_format(api, users):
    api.force_authenticate(users["sysadmin"])
    r = api.post(ORG, {"name": ""}, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid" and "name" in body["errors"] and "提交的数据有误" in body["message"]


@pytest.mark.django_db
def test_system_token(api, users, orgs):
    service = _grant(users["jj_admin"], "view_organization")
    token, raw = system_token_create(name="市政务服务网", user=service, allowed_ips="127.0.0.1\n10.0.0.0/8")
    assert SystemToken.objects.get(pk=token.pk).token_hash != raw and raw not in str(SystemToken.objects.values())

    r = api.get(ORG, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    codes = {o["code"] for o in r.json()["results"]}
    assert "JJ-XZSP" in codes and "QY-XZSP" not in codes  # the service user's scope applies
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {raw}").json()
    assert me["username"] == "jj_admin" and me["auth"] == "token"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEntry.objects.filter(action="api_call", actor=service).exists()

    wrong = api.get(ORG, HTTP_AUTHORIZATION="Bearer egv_wrong")
    assert wrong.status_code == 401 and "令牌" in wrong.json()["message"]
    other_ip = api.get(ORG, HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="192.168.1.5")
    assert other_ip.status_code == 401 and "192.168.1.5" in other_ip.json()["message"]

    SystemToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.get(ORG, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert expired.status_code == 401 and "过期" in expired.json()["message"]
    SystemToken.objects.filter(pk=token.pk).update(expires_at=None, is_active=False)
    assert api.get(ORG, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_token_screens(client, users):
    client.force_login(users["sysadmin"])
    r = client.post("/auth/tokens/add/", {"name": "监控平台", "user": users["ops"].pk, "allowed_ips": "bad ip"})
    assert r.status_code == 200 and "不是有效的" in r.content.decode()
    assert not SystemToken.objects.exists()
    r = client.post("/auth/tokens/add/", {"name": "监控平台", "user": users["ops"].pk, "allowed_ips": "10.1.0.0/16"})
    assert r.status_code == 200 and "egv_" in r.content.decode()
    assert "no-store" in r.get("Cache-Control", "") or "no-cache" in r.get("Cache-Control", "")
    token = SystemToken.objects.get()
    assert client.get("/auth/tokens/").status_code == 200
    client.post(f"/auth/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert not token.is_active


@pytest.mark.django_db
def test_openapi_schema_and_docs(api, client, users):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/egov_base/organization/" in schema["paths"] and "/api/v1/me/" in schema["paths"]
    api.force_authenticate(users["sysadmin"])
    r = api.get("/api/schema/", {"format": "json"})
    assert r.status_code == 200 and r.json()["openapi"].startswith("3.")
    client.force_login(users["sysadmin"])
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
