"""Portal extras: 提交工单 (service → problems with solutions → ticket, idempotent, replaceable handler),
我要建议 / 我要投诉 (投诉须知), questionnaires (publish, answer once, validation, results), the department
workspace and reports — and data scope on every page and API (a department sees only its own data)."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from egov_service_catalog.models import Feedback, ProblemType, ServiceForm, Survey, SurveyResponse, Ticket
from egov_service_catalog.services import feedback as fbs
from egov_service_catalog.services import tickets as ts

from .test_ops_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

SCHEMA = {"type": "default", "components": [
    {"type": "radio", "key": "overall", "label": "总体满意度", "validate": {"required": True},
     "values": [{"label": "满意", "value": "5"}, {"label": "一般", "value": "3"}]},
    {"type": "checklist", "key": "services", "label": "使用的服务",
     "values": [{"label": "政务云", "value": "cloud"}, {"label": "外网", "value": "network"}]},
    {"type": "textarea", "key": "advice", "label": "建议", "validate": {"maxLength": 20}},
]}


@pytest.fixture
def problem(catalog):
    return ProblemType.objects.create(item=catalog["item"], name="云主机无法远程登录",
                                      solution="检查安全组是否放通 22 端口。")


def test_ticket_wizard_end_to_end_and_double_submit(client, users, catalog, problem):
    item = catalog["item"]
    client.force_login(users["dept_user"])
    page = client.get("/service-catalog/portal/tickets/new/").content.decode()
    assert "政务云主机" in page and "选择服务" in page
    page = client.get(f"/service-catalog/portal/tickets/new/?item={item.pk}").content.decode()
    assert "检查安全组是否放通 22 端口" in page and "仍未解决" in page
    page = client.get(f"/service-catalog/portal/tickets/new/?item={item.pk}&problem={problem.pk}").content.decode()
    assert "云主机无法远程登录" in page
    key = uuid.uuid4().hex
    data = {"item": item.pk, "problem": problem.pk, "title": "审批系统服务器无法登录", "description": "连接超时",
            "contact_phone": "13980012345", "idempotency_key": key}
    r1 = client.post("/service-catalog/portal/tickets/new/", data)
    r2 = client.post("/service-catalog/portal/tickets/new/", data)  # double click
    assert r1.status_code == r2.status_code == 302
    t = Ticket.objects.get()
    assert r1["Location"] == r2["Location"] == f"/service-catalog/portal/tickets/{t.pk}/"
    assert t.organization == users["dept_user"].organization and t.problem_type == problem
    assert t.number.startswith("GD-")
    # empty description: clear field error, nothing saved
    bad = client.post("/service-catalog/portal/tickets/new/", {**data, "description": "",
                                                                "idempotency_key": uuid.uuid4().hex})
    assert bad.status_code == 200 and "这个字段是必填项" in bad.content.decode() or "必填" in bad.content.decode()
    assert Ticket.objects.count() == 1
    # another district cannot open it (URL and API)
    client.force_login(users["qy_admin"])
    assert client.get(f"/service-catalog/portal/tickets/{t.pk}/").status_code == 404
    assert client.get(f"/api/v1/service-catalog/ops/tickets/{t.pk}/").status_code == 404
    assert client.get("/api/v1/service-catalog/ops/tickets/").json()["count"] == 0
    # the desk handles it; the submitter is told
    client.force_login(users["service_desk"])
    resp = client.post(f"/service-catalog/ops/tickets/{t.pk}/update/", {"status": "resolved", "resolution": ""})
    t.refresh_from_db()
    assert t.status == "open"  # resolution required
    client.post(f"/service-catalog/ops/tickets/{t.pk}/update/", {"status": "resolved", "resolution": "已放通安全组"})
    t.refresh_from_db()
    assert t.status == "resolved" and t.handled_by == users["service_desk"]
    assert resp.status_code == 302


def test_ticket_api_create_idempotent(client, users, catalog):
    client.force_login(users["dept_user"])
    body = {"item": catalog["item"].pk, "title": "外网访问慢", "description": "下午起访问慢", "idempotency_key": "k-api-1"}
    r1 = client.post("/api/v1/service-catalog/ops/tickets/", body, content_type="application/json")
    r2 = client.post("/api/v1/service-catalog/ops/tickets/", body, content_type="application/json")
    assert r1.status_code == r2.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    r3 = client.post("/api/v1/service-catalog/ops/tickets/", {**body, "idempotency_key": "k2", "title": ""},
                     content_type="application/json")
    assert r3.status_code == 400 and Ticket.objects.count() == 1


def test_ticket_handler_is_replaceable(users, catalog):
    calls = []

    class Ext:
        number = "HD-1"

        def get_absolute_url(self):
            return "/helpdesk/1/"

    def helpdesk(**kwargs):
        calls.append(kwargs)
        return Ext()

    ts.set_ticket_handler(helpdesk)
    try:
        out = ts.ticket_submit(user=users["dept_user"], item=catalog["item"], problem_type=None, title="t",
                               description="d", idempotency_key="x1")
    finally:
        ts.set_ticket_handler(None)
    assert out.number == "HD-1" and calls[0]["title"] == "t" and not Ticket.objects.exists()


def test_suggestion_and_complaint_with_notice(client, users, catalog):
    client.force_login(users["dept_user"])
    page = client.get("/service-catalog/portal/complain/").content.decode()
    assert "投诉须知" in page and "实事求是" in page
    data = {"title": "交付超时", "content": "承诺3个工作日，实际9天", "idempotency_key": uuid.uuid4().hex}
    resp = client.post("/service-catalog/portal/complain/", data)
    assert resp.status_code == 200 and "请阅读并确认《投诉须知》" in resp.content.decode()
    assert not Feedback.objects.exists()
    resp = client.post("/service-catalog/portal/complain/", {**data, "notice_accepted": "on"})
    assert resp.status_code == 302
    fb = Feedback.objects.get()
    assert fb.kind == "complaint" and fb.notice_accepted_at and fb.number.startswith("TS-")
    client.post("/service-catalog/portal/suggest/", {"title": "建议", "content": "增加到期提醒",
                                                     "idempotency_key": uuid.uuid4().hex})
    assert Feedback.objects.filter(kind="suggestion").count() == 1
    mine = client.get("/service-catalog/portal/feedback/").content.decode()
    assert "交付超时" in mine and "增加到期提醒" not in mine or "建议" in mine
    # other department: not visible
    client.force_login(users["qy_admin"])
    assert "交付超时" not in client.get("/service-catalog/portal/feedback/").content.decode()
    assert client.get(f"/service-catalog/feedback/{fb.pk}/").status_code in (403, 404)
    # reply by the desk
    fbs.feedback_reply(user=users["service_desk"], feedback=fb, reply="已约谈服务商并整改", close=True)
    fb.refresh_from_db()
    assert fb.status == "closed" and fb.replied_by == users["service_desk"]
    with pytest.raises(ValidationError):
        fbs.feedback_reply(user=users["service_desk"], feedback=fb, reply="再次")


@pytest.fixture
def survey(users, orgs):
    form = ServiceForm.objects.create(item=None, kind="questionnaire", name="满意度问卷", version=1, schema=SCHEMA,
                                      is_active=False)
    s = Survey.objects.create(title="2026年度满意度调查", kind="satisfaction", form=form)
    s.targets.add(orgs["jinjiang"])
    return s


def test_survey_publish_answer_results(client, users, orgs, survey, django_capture_on_commit_callbacks):
    client.force_login(users["dept_user"])
    assert client.get(f"/service-catalog/portal/surveys/{survey.pk}/").status_code == 403  # draft
    with django_capture_on_commit_callbacks(execute=True):
        fbs.survey_publish(user=users["service_desk"], survey=survey)
    page = client.get("/service-catalog/portal/surveys/").content.decode()
    assert "2026年度满意度调查" in page
    # validation: required radio missing and too long text → field errors, nothing saved
    resp = client.post(f"/service-catalog/portal/surveys/{survey.pk}/", {"f_advice": "x" * 30})
    html = resp.content.decode()
    assert resp.status_code == 200 and "总体满意度" in html and "invalid-feedback" in html
    assert not SurveyResponse.objects.exists()
    resp = client.post(f"/service-catalog/portal/surveys/{survey.pk}/",
                       {"f_overall": "5", "f_services": ["cloud", "network"], "f_advice": "很好"})
    assert resp.status_code == 302
    client.post(f"/service-catalog/portal/surveys/{survey.pk}/", {"f_overall": "3"})  # second time: ignored
    r = SurveyResponse.objects.get()
    assert r.data["overall"] == "5" and r.data["services"] == ["cloud", "network"]
    survey.refresh_from_db()
    assert survey.response_count == 1
    # not addressed to 青羊区
    client.force_login(users["qy_admin"])
    assert client.get(f"/service-catalog/portal/surveys/{survey.pk}/").status_code == 403
    # results page and export for the desk
    client.force_login(users["service_desk"])
    res = client.get(f"/service-catalog/ops/surveys/{survey.pk}/results/").content.decode()
    assert "总体满意度" in res and "很好" in res
    xlsx = client.get(f"/service-catalog/ops/surveys/{survey.pk}/results/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    results = fbs.survey_results(survey=survey)
    overall = next(q for q in results if q["key"] == "overall")
    assert {o["label"]: o["count"] for o in overall["options"]} == {"满意": 1, "一般": 0}


def test_workspace_and_api_show_only_own_org(client, users, orgs, ops_items, vendor):
    import datetime as dt
    from decimal import Decimal

    from egov_service_catalog.models import BillLine, PoolAllocation, PoolMetric, ProviderBill, ResourcePool

    pool = ResourcePool.objects.create(code="P-X", name="政务云天府资源池", pool_type="cloud", source="manual")
    m = PoolMetric.objects.create(pool=pool, code="vcpu", name="vCPU", unit="核", total=100, used=50)
    PoolAllocation.objects.create(metric=m, organization=orgs["jinjiang"], amount=Decimal("32"))
    PoolAllocation.objects.create(metric=m, organization=orgs["qingyang"], amount=Decimal("18"))
    bill = ProviderBill.objects.create(number="BL-T-1", vendor=vendor, item=ops_items["sms"],
                                       period=dt.date(2026, 10, 1), status="reconciled")
    BillLine.objects.create(bill=bill, line_no=1, organization=orgs["jinjiang"], charge_code="SMS-STD",
                            expected_amount=Decimal("4000"))
    BillLine.objects.create(bill=bill, line_no=2, organization=orgs["qingyang"], charge_code="SMS-STD",
                            expected_amount=Decimal("777"))
    client.force_login(users["dept_user"])
    page = client.get("/service-catalog/portal/workspace/").content.decode()
    assert "使用单位工作门户" in page and ("4,000.00" in page or "4000.00" in page) and "777" not in page
    data = client.get("/api/v1/service-catalog/ops/my-usage/").json()
    assert [a["amount"] for a in data["allocations"]] == [32.0]
    assert [b["amount"] for b in data["bills"]] == [4000.0]
    # management dashboards and analytics are closed to departments (page and API)
    assert client.get("/service-catalog/ops/dashboard/").status_code == 403
    assert client.get("/api/v1/service-catalog/ops/panels/").status_code == 403
    assert client.get("/service-catalog/poolallocation/").status_code == 200  # own allocations only
    listing = client.get("/api/v1/egov_service_catalog/poolallocation/").json()
    assert [r["organization"] for r in listing["results"]] == [orgs["jinjiang"].pk]
    other = PoolAllocation.objects.get(organization=orgs["qingyang"])
    assert client.get(f"/service-catalog/poolallocation/{other.pk}/").status_code == 404
    client.force_login(users["qy_admin"])
    data = client.get("/api/v1/service-catalog/ops/my-usage/").json()
    assert [b["amount"] for b in data["bills"]] == [777.0]
