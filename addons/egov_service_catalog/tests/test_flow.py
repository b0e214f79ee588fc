"""The whole flow: submit → 单位批复函 → 需求确认单 → 服务交付单 → acceptance and rating, with documents, trace,
subscriptions, returns and resubmission, change and cancel, idempotency, SLA reminders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from egov_service_catalog.models import (
    FulfilmentStep,
    RequestDocument,
    ServiceRequest,
    Subscription,
    SubscriptionChange,
)
from egov_service_catalog.services import requests as rs

from .conftest import GOOD_DATA

DELIVERY = {"resources": [{"name": "云主机 jj-ywtb-app01", "spec": "4 vCPU / 8 GB", "address": "10.8.12.31"}],
            "note": "已开通堡垒机账号"}


def _apply(actors, catalog, **kw):
    args = dict(user=actors["applicant"], item=catalog["item"], spec=catalog["spec"], quantity=2,
                title="一网通办系统扩容", form_data=GOOD_DATA, contact_phone="13980012345", submit=True)
    args.update(kw)
    return rs.request_save(**args)


def _deliver(actors, req):
    req = rs.request_node_act(user=actors["leader"], request=req, action="approve", comment="同意申请")
    req = rs.request_node_act(user=actors["desk"], request=req, action="approve", comment="需求明确")
    for step in req.fulfilment.all():
        rs.fulfilment_step_update(user=actors["ops"], step=step, status="done", note="已完成")
    return rs.request_node_act(user=actors["ops"], request=req, action="approve", comment="已交付",
                               delivery=DELIVERY)


@pytest.mark.django_db
def test_full_flow_documents_trace_subscription(actors, catalog):
    req = _apply(actors, catalog)
    assert req.state == "in_progress" and req.current_node == "单位批复函"
    assert req.number.startswith("SR-")
    assert req.documents.filter(node="apply").exists()
    # the centre cannot act on the leader's node
    with pytest.raises(PermissionDenied):
        rs.request_node_act(user=actors["desk"], request=req, action="approve")
    req = rs.request_node_act(user=actors["leader"], request=req, action="approve", comment="同意")
    assert req.current_node == "需求确认单"
    req = rs.request_node_act(user=actors["desk"], request=req, action="approve", comment="需求明确")
    assert req.current_node == "服务交付单"
    assert list(req.fulfilment.values_list("name", flat=True)) == ["资源分配", "安全基线加固"]
    # delivery needs the internal steps and at least one resource
    with pytest.raises(ValidationError) as exc:
        rs.request_node_act(user=actors["ops"], request=req, action="approve", delivery=DELIVERY)
    assert "服务过程尚未完成" in str(exc.value)
    for step in req.fulfilment.all():
        rs.fulfilment_step_update(user=actors["ops"], step=step, status="done")
    with pytest.raises(ValidationError):
        rs.request_node_act(user=actors["ops"], request=req, action="approve", delivery={"resources": []})
    req = rs.request_node_act(user=actors["ops"], request=req, action="approve", delivery=DELIVERY)
    assert req.state == "delivered" and req.delivered_at
    sub = Subscription.objects.get(request=req)
    assert sub.state == "running" and sub.quantity == 2 and sub.resources[0]["address"] == "10.8.12.31"
    assert SubscriptionChange.objects.filter(subscription=sub, kind="create").count() == 1
    # acceptance and rating
    with pytest.raises(ValidationError):
        rs.request_accept(user=actors["applicant"], request=req, rating=2, comment="")
    req = rs.request_accept(user=actors["applicant"], request=req, rating=5, comment="响应很快")
    assert req.state == "closed" and req.rating == 5
    nodes = set(req.documents.values_list("node", flat=True))
    assert nodes == {"apply", "approval", "confirm", "delivery", "acceptance"}
    from egov_base.workflow.selectors import process_logs

    actions = [log.action for log in process_logs(req)]
    assert "approval_start" in actions and "approve" in actions and "fulfilment" in actions
    # the applicant was notified at each step
    from egov_base.notify.models import Delivery

    assert Delivery.objects.filter(event="service_catalog.request_progress").count() >= 3
    assert Delivery.objects.filter(event="service_catalog.request_delivered").exists()


@pytest.mark.django_db
def test_documents_render_word_and_pdf(actors, catalog):
    from egov_service_catalog.services.documents import document_docx, document_pdf

    req = _deliver(actors, _apply(actors, catalog))
    doc = req.documents.get(node="delivery")
    assert doc.data["delivery"]["resources"][0]["name"] == "云主机 jj-ywtb-app01"
    docx = document_docx(doc)
    assert docx[:2] == b"PK"
    import io

    from docx import Document

    text = "\n".join(c.text for t in Document(io.BytesIO(docx)).tables for r in t.rows for c in r.cells)
    assert "云主机 jj-ywtb-app01" in text and req.number in text
    assert document_pdf(doc)[:5] == b"%PDF-"


@pytest.mark.django_db
def test_return_to_applicant_and_resubmit(actors, catalog):
    req = _apply(actors, catalog)
    req = rs.request_node_act(user=actors["leader"], request=req, action="approve")
    with pytest.raises(ValidationError):  # a comment is required
        rs.request_node_act(user=actors["desk"], request=req, action="return_applicant", comment="")
    req = rs.request_node_act(user=actors["desk"], request=req, action="return_applicant",
                              comment="请补充带宽需求")
    assert req.state == "returned" and req.current_node == ""
    # the applicant edits and resubmits; the chain starts again from the first node
    data = {**GOOD_DATA, "bandwidth": 200}
    req = rs.request_save(user=actors["applicant"], request=req, item=req.item, spec=req.spec, quantity=1,
                          title=req.title, form_data=data, submit=True)
    assert req.state == "in_progress" and req.current_node == "单位批复函"
    assert req.form_data["bandwidth"] == 200
    assert req.documents.get(node="apply").version == 2
    # return from the first node also goes back to the applicant
    req = rs.request_node_act(user=actors["leader"], request=req, action="return", comment="请先内部会签")
    assert req.state == "returned"
    req = rs.request_submit(user=actors["applicant"], request=req)
    assert req.state == "in_progress"


@pytest.mark.django_db
def test_return_to_previous_node_and_reject(actors, catalog):
    req = _apply(actors, catalog)
    req = rs.request_node_act(user=actors["leader"], request=req, action="approve")
    req = rs.request_node_act(user=actors["desk"], request=req, action="return", comment="批复函内容不全")
    assert req.state == "in_progress" and req.current_node == "单位批复函"
    req = rs.request_node_act(user=actors["leader"], request=req, action="reject", comment="暂缓建设")
    assert req.state == "rejected"


@pytest.mark.django_db
def test_double_submission_is_idempotent(actors, catalog):
    a = _apply(actors, catalog, idempotency_key="k-123")
    b = _apply(actors, catalog, idempotency_key="k-123")
    assert a.pk == b.pk
    assert ServiceRequest.objects.count() == 1
    # a double click on a node action runs once
    rs.request_node_act(user=actors["leader"], request=a, action="approve")
    with pytest.raises((ValidationError, PermissionDenied)):
        rs.request_node_act(user=actors["leader"], request=a, action="approve")
    assert a.documents.filter(node="approval").count() == 1
    # accepting twice
    req = ServiceRequest.objects.get(pk=a.pk)
    req = rs.request_node_act(user=actors["desk"], request=req, action="approve")
    for step in req.fulfilment.all():
        rs.fulfilment_step_update(user=actors["ops"], step=step, status="done")
    req = rs.request_node_act(user=actors["ops"], request=req, action="approve", delivery=DELIVERY)
    rs.request_accept(user=actors["applicant"], request=req, rating=4)
    with pytest.raises(ValidationError):
        rs.request_accept(user=actors["applicant"], request=req, rating=4)
    assert Subscription.objects.filter(request=req).count() == 1


@pytest.mark.django_db
def test_invalid_form_saves_nothing(actors, catalog):
    bad = {"system_name": "", "contact_mobile": "12345", "bandwidth": 5000, "os": "windows", "ip_segment": "abc"}
    with pytest.raises(ValidationError) as exc:
        _apply(actors, catalog, form_data=bad)
    errors = exc.value.message_dict
    assert errors["form.system_name"] == ["请填写“承载业务系统名称”。"]
    assert "有效的手机" in errors["form.contact_mobile"][0]
    assert "不能大于 1000" in errors["form.bandwidth"][0]
    assert "不在可选范围" in errors["form.os"][0]
    assert "格式不正确" in errors["form.ip_segment"][0]
    assert ServiceRequest.objects.count() == 0
    # quota: 5 per organisation
    with pytest.raises(ValidationError) as exc:
        _apply(actors, catalog, quantity=6)
    assert "超出单位限额" in exc.value.message_dict["quantity"][0]
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_draft_kept_and_submitted_later(actors, catalog):
    draft = _apply(actors, catalog, submit=False, form_data={"system_name": "只填了一半"}, spec=None, title="")
    assert draft.state == "draft" and draft.form_data == {"system_name": "只填了一半"}
    with pytest.raises(ValidationError):
        rs.request_submit(user=actors["applicant"], request=draft)
    draft = rs.request_save(user=actors["applicant"], request=draft, item=draft.item, spec=catalog["spec"],
                            quantity=1, title="补全后提交", form_data=GOOD_DATA, submit=True)
    assert draft.state == "in_progress"


@pytest.mark.django_db
def test_change_and_cancel_subscription(actors, catalog):
    from egov_service_catalog.models import ServiceSpec

    req = _deliver(actors, _apply(actors, catalog))
    sub = Subscription.objects.get(request=req)
    big = ServiceSpec.objects.create(item=catalog["item"], code="S8", name="通用型 8核16G", params={"vCPU": 8})
    change = rs.request_save(user=actors["applicant"], item=catalog["item"], spec=big, quantity=3,
                             title="扩容", kind="change", subscription=sub, submit=True,
                             form_data={"change_reason": "业务量增长", "change_content": "升级为 8 核"})
    sub.refresh_from_db()
    assert sub.state == "changing"
    # a second change while one is open is refused
    with pytest.raises(ValidationError):
        rs.request_save(user=actors["applicant"], item=catalog["item"], spec=big, quantity=3, title="再次变更",
                        kind="change", subscription=sub, submit=True,
                        form_data={"change_reason": "x", "change_content": "y"})
    _deliver(actors, change)
    sub.refresh_from_db()
    assert sub.state == "running" and sub.spec == big and sub.quantity == 3
    ch = SubscriptionChange.objects.get(subscription=sub, kind="change")
    assert ch.before["quantity"] == 2 and ch.after["quantity"] == 3
    # cancel: the change form requires the backup confirmation
    with pytest.raises(ValidationError):
        rs.request_save(user=actors["applicant"], item=catalog["item"], quantity=3, title="下线", kind="cancel",
                        subscription=sub, submit=True, form_data={"cancel_reason": "系统下线"})
    cancel = rs.request_save(user=actors["applicant"], item=catalog["item"], quantity=3, title="下线",
                             kind="cancel", subscription=sub, submit=True,
                             form_data={"cancel_reason": "系统下线", "data_backed_up": True})
    _deliver(actors, cancel)
    sub.refresh_from_db()
    assert sub.state == "terminated" and sub.ended_at
    assert list(sub.changes.values_list("kind", flat=True)) == ["cancel", "change", "create"]


@pytest.mark.django_db
def test_withdrawn_change_restores_subscription(actors, catalog):
    req = _deliver(actors, _apply(actors, catalog))
    sub = Subscription.objects.get(request=req)
    change = rs.request_save(user=actors["applicant"], item=catalog["item"], spec=catalog["spec"], quantity=1,
                             title="缩容", kind="change", subscription=sub, submit=True,
                             form_data={"change_reason": "a", "change_content": "b"})
    rs.request_withdraw(user=actors["applicant"], request=change)
    sub.refresh_from_db()
    change.refresh_from_db()
    assert change.state == "cancelled" and sub.state == "running"


@pytest.mark.django_db
def test_other_department_cannot_change_subscription(actors, catalog):
    req = _deliver(actors, _apply(actors, catalog))
    sub = Subscription.objects.get(request=req)
    with pytest.raises(ValidationError) as exc:
        rs.request_save(user=actors["other"], item=catalog["item"], spec=catalog["spec"], quantity=1, title="x",
                        kind="change", subscription=sub, submit=True,
                        form_data={"change_reason": "a", "change_content": "b"})
    assert "本单位" in str(exc.value)


@pytest.mark.django_db
def test_sla_overdue_marks_and_reminds_once(actors, catalog):
    from egov_base.notify.models import Delivery

    req = _apply(actors, catalog)
    later = timezone.now() + dt.timedelta(hours=25)
    out = rs.request_check_sla(now=later)
    assert out == {"overdue": 1, "reminded": 1}
    req.refresh_from_db()
    assert req.overdue and req.overdue_notified_at
    sent = Delivery.objects.filter(event="service_catalog.request_overdue")
    assert sent.filter(recipient=actors["leader"]).exists()
    # a second run reminds nobody again
    assert rs.request_check_sla(now=later + dt.timedelta(minutes=10))["reminded"] == 0
    n = sent.count()
    assert n >= 1
    # moving on clears the mark; the next node has its own deadline
    req = rs.request_node_act(user=actors["leader"], request=req, action="approve")
    assert not req.overdue
    assert rs.request_check_sla(now=timezone.now())["overdue"] == 0
    from egov_base.workflow.selectors import process_logs

    assert any(log.action == "overdue" for log in process_logs(req))


@pytest.mark.django_db
def test_fulfilment_only_by_delivery_handler(actors, catalog):
    req = _apply(actors, catalog)
    req = rs.request_node_act(user=actors["leader"], request=req, action="approve")
    req = rs.request_node_act(user=actors["desk"], request=req, action="approve")
    step = FulfilmentStep.objects.filter(request=req).first()
    with pytest.raises(PermissionDenied):
        rs.fulfilment_step_update(user=actors["applicant"], step=step, status="done")
    with pytest.raises(ValidationError):
        rs.fulfilment_step_update(user=actors["ops"], step=step, status="skipped", note="")


@pytest.mark.django_db
def test_item_not_published_cannot_be_requested(actors, catalog):
    from egov_service_catalog.models import ServiceItem

    ServiceItem.objects.filter(pk=catalog["item"].pk).update(status="suspended")
    catalog["item"].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _apply(actors, catalog)
    assert "不受理" in exc.value.message_dict["item"][0]
    assert not RequestDocument.objects.exists()
