"""Pages, permissions and data scope by URL and API: department A cannot see department B's requests,
subscriptions or documents; node handlers see what they must act on; pages render in Chinese."""

import json

import pytest
from django.urls import reverse

from egov_service_catalog.models import ServiceRequest, Subscription
from egov_service_catalog.services import requests as rs

from .conftest import GOOD_DATA
from .test_flow import _apply, _deliver


@pytest.fixture
def client_for(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login


@pytest.mark.django_db
def test_portal_pages_render(actors, catalog, client_for):
    req = _deliver(actors, _apply(actors, catalog))
    sub = Subscription.objects.get(request=req)
    c = client_for(actors["applicant"])
    for url, text in [
        (reverse("egov_service_catalog:catalog"), "政务云主机"),
        (reverse("egov_service_catalog:catalog") + "?q=云主机", "政务云主机"),
        (reverse("egov_service_catalog:portal_item", args=[catalog["item"].pk]), "通用型 4核8G"),
        (reverse("egov_service_catalog:portal_apply", args=[catalog["item"].pk]), "填写需求单"),
        (reverse("egov_service_catalog:portal_requests"), req.number),
        (reverse("egov_service_catalog:portal_request_detail", args=[req.pk]), "服务交付单"),
        (reverse("egov_service_catalog:portal_resources"), sub.number),
        (reverse("egov_service_catalog:portal_subscription", args=[sub.pk]), "变更信息"),
        (reverse("egov_service_catalog:portal_subscription_change", args=[sub.pk, "change"]), "变更申请"),
        (reverse("egov_service_catalog:portal_ratings"), req.item.name),
        (reverse("egov_service_catalog:m_catalog"), "政务云主机"),
        (reverse("egov_service_catalog:m_requests"), req.number),
        (reverse("egov_service_catalog:m_request_detail", args=[req.pk]), "流程日志"),
    ]:
        resp = c.get(url)
        assert resp.status_code == 200, url
        assert text in resp.content.decode(), url
    # the staff URL of a request sends a portal user to the portal page
    resp = c.get(reverse("egov_service_catalog:request_detail", args=[req.pk]))
    assert resp.status_code == 302 and "/portal/requests/" in resp["Location"]


@pytest.mark.django_db
def test_staff_pages_render(actors, catalog, client_for):
    req = _apply(actors, catalog)
    rs.request_node_act(user=actors["leader"], request=req, action="approve")
    c = client_for(actors["desk"])
    for url, text in [
        (reverse("egov_service_catalog:catalog_manage"), "计算服务"),
        (reverse("egov_service_catalog:request_list"), req.number),
        (reverse("egov_service_catalog:request_list") + "?overdue=1", "没有符合条件的申请"),
        (reverse("egov_service_catalog:request_detail", args=[req.pk]), "待我办理：需求确认单"),
        (reverse("egov_service_catalog:document_list"), "单位批复函"),
        (reverse("egov_service_catalog:form_list"), "政务云主机"),
        (reverse("egov_service_catalog:form_designer", args=[catalog["form"].pk]), "保存为新版本"),
        (reverse("egov_service_catalog:form_preview", args=[catalog["form"].pk]), "服务端校验"),
        (reverse("egov_service_catalog:serviceitem_detail", args=[catalog["item"].pk]) + "?tab=specs", "通用型 4核8G"),
        (reverse("egov_service_catalog:request_form_pdf", args=[req.pk]), None),
    ]:
        resp = c.get(url)
        assert resp.status_code == 200, url
        if text:
            assert text in resp.content.decode(), url
    doc = req.documents.get(node="approval")
    for fmt in ("docx", "pdf"):
        resp = c.get(reverse("egov_service_catalog:document_download", args=[doc.pk, fmt]))
        assert resp.status_code == 200 and len(b"".join(resp)) > 1000


@pytest.mark.django_db
def test_node_action_through_the_page(actors, catalog, client_for):
    req = _apply(actors, catalog)
    c = client_for(actors["leader"])
    url = reverse("egov_service_catalog:request_act", args=[req.pk])
    resp = c.post(url, {"action": "approve", "comment": "同意"})
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.current_node == "需求确认单"
    # double click: nothing happens twice
    c.post(url, {"action": "approve", "comment": "同意"})
    assert req.documents.filter(node="approval").count() == 1
    # the applicant cannot act through the staff endpoint
    c = client_for(actors["applicant"])
    c.post(url, {"action": "approve"})
    req.refresh_from_db()
    assert req.current_node == "需求确认单"
    # nor run a chain transition through the generic workflow endpoint
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(ServiceRequest)
    c.post(reverse("egov_base:workflow_transition", args=[ct.pk, req.pk, "deliver"]))
    req.refresh_from_db()
    assert req.state == "in_progress"


@pytest.mark.django_db
def test_department_b_cannot_see_department_a_by_url(actors, catalog, client_for):
    req = _deliver(actors, _apply(actors, catalog))
    sub = Subscription.objects.get(request=req)
    doc = req.documents.first()
    c = client_for(actors["other"])  # 青羊区 dept user
    for url in [
        reverse("egov_service_catalog:portal_request_detail", args=[req.pk]),
        reverse("egov_service_catalog:portal_request_edit", args=[req.pk]),
        reverse("egov_service_catalog:m_request_detail", args=[req.pk]),
        reverse("egov_service_catalog:request_detail", args=[req.pk]),
        reverse("egov_service_catalog:request_form_pdf", args=[req.pk]),
        reverse("egov_service_catalog:portal_subscription", args=[sub.pk]),
        reverse("egov_service_catalog:portal_subscription_change", args=[sub.pk, "cancel"]),
        reverse("egov_service_catalog:document_download", args=[doc.pk, "pdf"]),
    ]:
        assert c.get(url).status_code == 404, url
    resp = c.post(reverse("egov_service_catalog:portal_request_action", args=[req.pk]),
                  {"action": "accept", "rating": 1, "rating_comment": "x"})
    assert resp.status_code == 404
    assert req.number not in c.get(reverse("egov_service_catalog:portal_requests")).content.decode()
    assert sub.number not in c.get(reverse("egov_service_catalog:portal_resources")).content.decode()
    # the staff list needs the handle permission
    assert c.get(reverse("egov_service_catalog:request_list")).status_code == 403


@pytest.mark.django_db
def test_department_b_cannot_see_department_a_by_api(actors, catalog, client_for):
    req = _apply(actors, catalog)
    mine = client_for(actors["applicant"]).get("/api/v1/service-catalog/requests/")
    assert mine.status_code == 200 and mine.json()["count"] == 1
    c = client_for(actors["other"])
    resp = c.get("/api/v1/service-catalog/requests/")
    assert resp.status_code == 200 and resp.json()["count"] == 0
    assert c.get(f"/api/v1/service-catalog/requests/{req.pk}/").status_code == 404
    assert c.get(f"/api/v1/service-catalog/requests/{req.pk}/trace/").status_code == 404
    # the centre sees all
    assert client_for(actors["desk"]).get("/api/v1/service-catalog/requests/").json()["count"] == 1


@pytest.mark.django_db
def test_api_create_validates_and_is_idempotent(actors, catalog, client_for):
    c = client_for(actors["applicant"])
    body = {"item": catalog["item"].pk, "spec": catalog["spec"].pk, "quantity": 1, "title": "接口提交",
            "form_data": {**GOOD_DATA, "contact_mobile": "abc"}}
    resp = c.post("/api/v1/service-catalog/requests/", json.dumps(body), content_type="application/json",
                  HTTP_IDEMPOTENCY_KEY="api-1")
    assert resp.status_code == 400 and "form.contact_mobile" in resp.json()["errors"]
    assert ServiceRequest.objects.count() == 0
    body["form_data"] = GOOD_DATA
    r1 = c.post("/api/v1/service-catalog/requests/", json.dumps(body), content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="api-1")
    r2 = c.post("/api/v1/service-catalog/requests/", json.dumps(body), content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="api-1")
    assert r1.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    assert r1.json()["state"] == "in_progress"
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_wizard_post_errors_and_draft(actors, catalog, client_for):
    c = client_for(actors["applicant"])
    url = reverse("egov_service_catalog:portal_apply", args=[catalog["item"].pk])
    bad = {"spec": catalog["spec"].pk, "quantity": 1, "title": "扩容", "do": "submit", "idempotency_key": "w1",
           "form_data": json.dumps({"system_name": "", "contact_mobile": "138", "os": "kylin"})}
    resp = c.post(url, bad)
    html = resp.content.decode()
    assert resp.status_code == 200 and "未保存任何数据" in html
    assert "承载业务系统名称" in html and "有效的手机" in html
    assert ServiceRequest.objects.count() == 0
    resp = c.post(url, {**bad, "do": "draft"})
    assert resp.status_code == 302
    draft = ServiceRequest.objects.get()
    assert draft.state == "draft"
    good = {**bad, "form_data": json.dumps(GOOD_DATA)}
    resp = c.post(reverse("egov_service_catalog:portal_request_edit", args=[draft.pk]), good)
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "in_progress"


@pytest.mark.django_db
def test_category_move_and_item_review(actors, catalog, client_for):
    from egov_service_catalog.models import ServiceCategory, ServiceItem

    other = ServiceCategory.objects.create(code="T-NET", name="外网服务")
    c = client_for(actors["head"])
    resp = c.post(reverse("egov_service_catalog:category_move"),
                  {"category": catalog["mid"].pk, "parent": other.pk, "position": 0})
    assert resp.status_code == 200 and resp.json()["ok"]
    catalog["mid"].refresh_from_db()
    assert catalog["mid"].parent == other and catalog["mid"].level == 2
    assert ServiceItem.objects.get(pk=catalog["item"].pk).category == catalog["mid"]  # items untouched
    # cannot move under its own descendant, and a dept user cannot move at all
    resp = c.post(reverse("egov_service_catalog:category_move"),
                  {"category": other.pk, "parent": catalog["mid"].pk, "position": 0})
    assert resp.status_code == 400
    resp = client_for(actors["applicant"]).post(reverse("egov_service_catalog:category_move"),
                                                {"category": other.pk, "parent": "", "position": 0})
    assert resp.status_code == 403
    # review flow: draft → review → send back needs a comment → publish
    item = ServiceItem.objects.create(code="T-NEW", name="新服务", category=other, service_type="other")
    from egov_service_catalog.models import ServiceSpec

    ServiceSpec.objects.create(item=item, code="A", name="标准")
    act = reverse("egov_service_catalog:item_action", args=[item.pk])
    c.post(act, {"action": "submit_review"})  # still the department user: refused
    item.refresh_from_db()
    assert item.status == "draft"
    c = client_for(actors["head"])
    c.post(act, {"action": "submit_review"})
    c.post(act, {"action": "send_back", "comment": ""})
    item.refresh_from_db()
    assert item.status == "review"
    c.post(act, {"action": "publish", "comment": "内容完整"})
    item.refresh_from_db()
    assert item.status == "published" and item.published_at
    # a department user cannot publish
    client_for(actors["applicant"]).post(act, {"action": "suspend"})
    item.refresh_from_db()
    assert item.status == "published"


@pytest.mark.django_db
def test_form_designer_saves_versions(actors, catalog, client_for):
    from egov_service_catalog.models import ServiceForm

    c = client_for(actors["head"])
    url = reverse("egov_service_catalog:form_designer_item", args=[catalog["item"].pk]) + "?kind=apply"
    schema = {"type": "default", "components": [
        {"type": "textfield", "key": "system_name", "label": "系统名称", "validate": {"required": True}}]}
    resp = c.post(url, {"schema": json.dumps(schema), "kind": "apply"})
    assert resp.status_code == 302
    active = ServiceForm.objects.get(item=catalog["item"], kind="apply", is_active=True)
    assert active.version == 2
    c.post(url, {"schema": json.dumps(schema), "kind": "apply"})  # unchanged: no new version
    assert ServiceForm.objects.filter(item=catalog["item"], kind="apply").count() == 2
    bad = {"type": "default", "components": [{"type": "select", "key": "x", "label": "下拉"}]}
    c.post(url, {"schema": json.dumps(bad), "kind": "apply"})
    assert ServiceForm.objects.filter(item=catalog["item"], kind="apply").count() == 2
    # a department user cannot design
    assert client_for(actors["applicant"]).get(url).status_code == 403
