"""Screens and API: permissions, data scope by URL and API, ID numbers never unmasked without the right."""

import pytest
from django.urls import reverse

from egov_expert_pool import services
from egov_expert_pool.models import Booking, Expert, ExpertChange
from egov_expert_pool.tests.conftest import make_id_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(make_expert, make_activity, reviewer, run_commit):
    experts = [make_expert(employer="电子科技大学") for _ in range(4)]
    activity = make_activity()
    run_commit(services.activity_commit, user=reviewer, activity=activity)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    activity.experts = experts
    return activity


def _login(client, user):
    client.force_login(user)
    return client


def test_expert_list_detail_export_mask_id_card(client, make_expert, reviewer, expert_admin):
    from egov_base.testing import read_xlsx, response_bytes

    e = make_expert(name="王建平")
    full = e.id_card
    _login(client, reviewer)
    for url in (reverse("egov_expert_pool:expert_list") + "?columns=all", e.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "王建平" in html and full not in html
    html = client.get(e.get_absolute_url()).content.decode()
    assert e.id_card_masked in html
    resp = client.get(reverse("egov_expert_pool:expert_export") + "?columns=all")
    assert resp.status_code == 200
    data = response_bytes(resp)
    assert full.encode() not in data
    _header, rows = read_xlsx(data)
    assert any(e.id_card_masked in [str(c) for c in r] for r in rows)
    # the expert administrator holds view_expert_id_card
    _login(client, expert_admin)
    assert full in client.get(e.get_absolute_url()).content.decode()


def test_id_card_never_in_api_or_audit(client, make_expert, reviewer):
    from egov_base.audit.models import AuditEntry

    e = make_expert()
    _login(client, reviewer)
    resp = client.get(f"/api/v1/egov_expert_pool/expert/{e.pk}/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert e.id_card not in body and resp.json()["id_card_masked"] == e.id_card_masked
    assert e.phone not in body
    assert not AuditEntry.objects.filter(changes__icontains=e.id_card).exists()


def test_id_card_search_exact_only(client, make_expert, reviewer):
    e = make_expert()
    _login(client, reviewer)
    url = reverse("egov_expert_pool:expert_idcard_search")
    assert e.name in client.get(url, {"id_card": e.id_card}).content.decode()
    assert e.name not in client.get(url, {"id_card": e.id_card[:10]}).content.decode()


def test_expert_create_goes_to_review_and_change_needs_approval(client, expert_admin, make_user, dicts):
    _login(client, expert_admin)
    data = {"name": "钱学军", "specialties": ["security", "cloud"], "expert_type": "tech", "title": "senior",
            "employer": "四川大学", "phone": "139 8100 7777", "certificate_no": "CDZJ-NEW-1",
            "id_card_input": make_id_card(901), "past_employers_text": "中国电信成都分公司、华为技术有限公司",
            "qualification": "CISP", "notes": "", "gender": "m"}
    resp = client.post(reverse("egov_expert_pool:expert_add"), data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    e = Expert.objects.get(certificate_no="CDZJ-NEW-1")
    assert e.status == "pending" and e.phone == "+8613981007777" and e.past_employers == ["中国电信成都分公司", "华为技术有限公司"]
    assert e.id_card == make_id_card(901) and e.id_card_hash
    # bad ID number: clear Chinese message, nothing saved
    bad = {**data, "certificate_no": "CDZJ-NEW-2", "id_card_input": "510104198001011234"}
    resp = client.post(reverse("egov_expert_pool:expert_add"), bad)
    assert resp.status_code == 200 and "身份证号码校验位错误" in resp.content.decode()
    assert not Expert.objects.filter(certificate_no="CDZJ-NEW-2").exists()
    # approve (a second administrator reviews)
    other = make_user("expert_admin2", "expert_admin", "centre")
    _login(client, other)
    client.post(reverse("egov_expert_pool:expert_transition", args=[e.pk, "approve"]), {"comment": "材料齐全"})
    e.refresh_from_db()
    assert e.status == "active"
    # a change to an approved expert waits for review
    _login(client, expert_admin)
    resp = client.post(reverse("egov_expert_pool:expert_edit", args=[e.pk]), {**data, "employer": "电子科技大学",
                                                                             "id_card_input": ""})
    assert resp.status_code == 302
    e.refresh_from_db()
    assert e.employer == "四川大学"
    change = ExpertChange.objects.get(expert=e, status="pending")
    # the author cannot approve own change
    client.post(reverse("egov_expert_pool:expert_change_review", args=[change.pk]), {"action": "approve"})
    change.refresh_from_db()
    assert change.status == "pending"
    _login(client, other)
    client.post(reverse("egov_expert_pool:expert_change_review", args=[change.pk]), {"action": "approve"})
    e.refresh_from_db()
    assert e.employer == "电子科技大学" and "电子科技大学" in e.affiliations


def test_suspend_needs_reason(client, make_expert, expert_admin):
    e = make_expert()
    _login(client, expert_admin)
    client.post(reverse("egov_expert_pool:expert_transition", args=[e.pk, "suspend"]), {"comment": ""})
    e.refresh_from_db()
    assert e.status == "active"
    client.post(reverse("egov_expert_pool:expert_transition", args=[e.pk, "suspend"]), {"comment": "违反评审纪律"})
    e.refresh_from_db()
    assert e.status == "suspended" and e.status_reason == "违反评审纪律"


def test_tags_edit_needs_permission(client, make_expert, expert_admin, reviewer):
    e = make_expert(tags=["高校"])
    url = reverse("egov_expert_pool:expert_tags", args=[e.pk])
    _login(client, reviewer)
    assert client.post(url, {"tags": ["信创"]}).status_code == 403
    _login(client, expert_admin)
    client.post(url, {"tags": ["信创", "网络安全"], "extra": "密评专家"})
    e.refresh_from_db()
    assert e.tags == ["信创", "网络安全", "密评专家"]


def test_import_with_row_errors(client, expert_admin, dicts):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "专业", "专家类型", "职称", "工作单位", "联系电话", "身份证号码", "专家证号", "标签"])
    ws.append(["周建", "网络安全、云计算", "技术专家", "正高级", "四川大学", "13981001111", make_id_card(777), "CDZJ-IMP-1", "信创"])
    ws.append(["吴敏", "不存在的专业", "技术专家", "副高级", "西华大学", "13981002222", "510104198001011234", "CDZJ-IMP-2", ""])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "experts.xlsx"
    _login(client, expert_admin)
    resp = client.post(reverse("egov_expert_pool:expert_import"), {"mode": "dry_run", "file": buf})
    html = resp.content.decode()
    assert "未知的专业" in html and "身份证号码校验位错误" in html
    # ID numbers are never echoed in clear by the import result (valid or not)
    assert make_id_card(777) not in html and "510104198001011234" not in html
    assert "510104********1234" in html
    assert not Expert.objects.filter(certificate_no__startswith="CDZJ-IMP").exists()
    buf.seek(0)
    client.post(reverse("egov_expert_pool:expert_import"), {"mode": "apply", "valid_only": "1", "file": buf})
    e = Expert.objects.get(certificate_no="CDZJ-IMP-1")
    assert e.specialties == ["security", "cloud"] and e.status == "pending" and e.id_card_hash


def test_activity_pages_and_hidden_list(client, drawn, reviewer, users, make_user):
    url = drawn.get_absolute_url()
    _login(client, reviewer)
    html = client.get(url).content.decode()
    names = list(drawn.bookings.values_list("expert__name", flat=True))
    assert all(n in html for n in names) and "承诺值" in html
    assert client.get(reverse("egov_expert_pool:activity_status", args=[drawn.pk])).status_code == 200
    assert client.get(reverse("egov_expert_pool:activity_verify", args=[drawn.pk])).status_code == 200
    assert client.get(reverse("egov_expert_pool:activity_pdf", args=[drawn.pk]))["Content-Type"] == "application/pdf"
    # a leader may view activities but not the drawn list before the meeting is over
    _login(client, users["leader"])
    html = client.get(url).content.decode()
    assert drawn.draws.first().commitment in html
    assert not any(n in html for n in names)
    assert client.get(reverse("egov_expert_pool:activity_pdf", args=[drawn.pk])).status_code == 403
    verify = client.get(reverse("egov_expert_pool:activity_verify", args=[drawn.pk])).content.decode()
    assert drawn.draws.first().seed not in verify
    api = client.get(f"/api/v1/egov_expert_pool/activity/{drawn.pk}/confirmed/")
    assert api.status_code == 403
    assert client.get(f"/api/v1/egov_expert_pool/activity/{drawn.pk}/verify/").json()["rounds"][0]["seed"] is None
    # after the meeting the list and the seed are public to viewers
    for b in drawn.bookings.all():
        services.booking_manual_confirm(user=reviewer, booking=b, accept=True)
    services.activity_record_result(user=reviewer, activity=drawn, passed=True, opinion="同意")
    html = client.get(url).content.decode()
    assert all(n in html for n in names)
    data = client.get(f"/api/v1/egov_expert_pool/activity/{drawn.pk}/verify/").json()
    assert data["ok"] is True and data["rounds"][0]["seed"]
    assert len(client.get(f"/api/v1/egov_expert_pool/activity/{drawn.pk}/confirmed/").json()) == 2


def test_district_admin_cannot_cross_scope(client, drawn, users, make_activity, make_user, orgs):
    jj = users["jj_admin"]
    _login(client, jj)
    assert client.get(drawn.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/egov_expert_pool/activity/{drawn.pk}/").status_code == 404
    assert client.post(reverse("egov_expert_pool:activity_execute", args=[drawn.pk])).status_code == 404
    assert client.get(f"/api/v1/egov_expert_pool/activity/{drawn.pk}/verify/").status_code == 404
    booking = drawn.bookings.first()
    assert client.post(reverse("egov_expert_pool:booking_confirm", args=[drawn.pk, booking.pk]),
                       {"answer": "decline"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    ids = [a["id"] for a in client.get("/api/v1/egov_expert_pool/activity/").json()["results"]]
    assert drawn.pk not in ids


def test_dept_user_has_no_access(client, drawn, users, make_expert):
    _login(client, users["dept_user"])
    assert client.get(drawn.get_absolute_url()).status_code == 403
    assert client.get(reverse("egov_expert_pool:expert_list")).status_code == 403
    assert client.get("/api/v1/egov_expert_pool/expert/").status_code == 403
    assert client.post(reverse("egov_expert_pool:activity_create"), {}).status_code == 403


def test_create_activity_form_and_api_draw(client, reviewer, make_expert, orgs, future_date):
    for _ in range(4):
        make_expert()
    _login(client, reviewer)
    assert client.get(reverse("egov_expert_pool:activity_create")).status_code == 200
    resp = client.post(reverse("egov_expert_pool:activity_create"), {
        "title": "成都市智慧交通平台方案评审", "date": future_date.isoformat(), "half_day": "pm", "place": "3 楼会议室",
        "organization": orgs["centre"].pk, "expert_types": ["tech"], "tags_exclude": ["供应商背景"],
        "avoid_conflict": "on", "avoid_same_applicant_months": 6, "max_draws": 4, "period_days": 90,
        "item_0_title": "智慧交通平台", "item_0_applicant": orgs["city"].pk, "item_0_bidders": "成都天府软件有限公司",
        "demand_0_specialty": "security", "demand_0_count": 2})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    from egov_expert_pool.models import Activity

    a = Activity.objects.get(title="成都市智慧交通平台方案评审")
    assert a.rules["tags_exclude"] == ["供应商背景"] and a.items.get().bidders == ["成都天府软件有限公司"]
    r = client.post(f"/api/v1/egov_expert_pool/activity/{a.pk}/draw/")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "confirming" and r.json()["draws"][0]["commitment"]
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/egov_expert_pool/activity/{id}/verify/" in schema


def test_other_pages_render(client, expert_admin, drawn, reviewer):
    _login(client, expert_admin)
    for name in ("statistics", "fees", "grants", "cleanup", "activity_list", "expertchange_list", "expertleave_list"):
        assert client.get(reverse(f"egov_expert_pool:{name}")).status_code == 200, name
    assert client.get(reverse("egov_expert_pool:statistics") + "?format=xlsx").status_code == 200
    assert client.get(reverse("egov_expert_pool:fees") + "?format=xlsx").status_code == 200
