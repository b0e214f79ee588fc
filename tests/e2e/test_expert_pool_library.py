"""Expert library screens in a real browser: the list and detail with masked ID numbers for the reviewer and full
ones for the expert administrator, tag editing, evaluation after a meeting, statistics, district authorisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .conftest import login
from .helpers import assert_chinese, assert_local

pytestmark = pytest.mark.e2e


@pytest.fixture
def setup(db, make_user, users, orgs):
    from egov_base.validators import id_card_checksum
    from egov_expert_pool import services
    from egov_expert_pool.data import ensure_dicts
    from egov_expert_pool.models import Expert

    ensure_dicts()
    admin = make_user("expert_admin", "expert_admin", "centre")
    experts = []
    for i, (name, spec, employer, tags) in enumerate([
        ("王建平", ["security", "cloud"], "四川大学", ["网络安全", "高校"]),
        ("李晓峰", ["security"], "电子科技大学", ["网络安全", "信创"]),
        ("张志明", ["bigdata", "planning"], "西南交通大学", ["大数据"]),
        ("刘丽华", ["cost"], "四川华西工程造价咨询有限公司", ["企业"]),
    ], start=1):
        first17 = f"5101041978{i:02d}20{i:03d}"
        e = Expert(name=name, specialties=spec, employer=employer, tags=tags, phone=f"+8613982{i:06d}",
                   id_card=first17 + id_card_checksum(first17), certificate_no=f"CDZJ-LIB-{i:03d}",
                   qualification="信息系统项目管理师", title="senior")
        e.save()
        Expert.objects.filter(pk=e.pk).update(status="active")
        experts.append(Expert.objects.get(pk=e.pk))
    reviewer = users["reviewer"]
    a = services.activity_create(
        user=reviewer, data={"title": "成都市政务云安全运营服务方案评审", "date": timezone.localdate() + dt.timedelta(days=3),
                             "half_day": "pm", "place": "成都市大数据中心 5 楼会议室", "organization": orgs["centre"]},
        items=[{"title": "政务云安全运营服务方案"}], demands=[{"specialty": "security", "count": 2}])
    services.activity_commit(user=reviewer, activity=a)
    services.activity_execute(user=reviewer, activity=a)
    for b in a.bookings.all():
        services.booking_respond(booking=b, accept=True, via="manual")
    services.activity_record_result(user=reviewer, activity=a, passed=True, opinion="方案可行。")
    return {"admin": admin, "experts": experts, "activity": a}


def test_library_masking_tags_evaluation_statistics_grants(page, setup, login_as, screenshot):
    from conftest import TEST_PASSWORD

    wang = setup["experts"][0]
    login_as("reviewer")
    page.goto("/expert-pool/expert/?columns=all")
    assert_chinese(page, "专家库", "王建平", "网络安全")
    page.goto(f"/expert-pool/expert/{wang.pk}/")
    assert_chinese(page, "王建平", wang.id_card_masked, "在库")
    assert wang.id_card not in page.content()
    screenshot(page, "expert_pool_10_detail_masked")

    # evaluation after the meeting (reviewer)
    page.goto(f"/expert-pool/activity/{setup['activity'].pk}/evaluate/")
    assert_chinese(page, "专家评估", "守时", "廉洁纪律")
    page.locator("select[name$=-punctuality]").first.select_option("3")
    screenshot(page, "expert_pool_11_evaluate")
    with page.expect_navigation():
        page.click("button:has-text('保存评分')")
    assert_chinese(page, "已保存 2 位专家的评分")

    # expert administrator: full ID number, tags, statistics, district authorisation
    page.context.clear_cookies()
    login(page, "expert_admin", TEST_PASSWORD)
    page.goto("/expert-pool/expert/")
    screenshot(page, "expert_pool_12_list")
    page.goto(f"/expert-pool/expert/{wang.pk}/")
    assert wang.id_card in page.content()
    page.click("a:has-text('维护标签')")
    page.check("input[name=tags][value=信创]")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    assert_chinese(page, "标签已更新")
    page.goto("/expert-pool/statistics/")
    page.wait_for_selector("#ep-spec-chart canvas")
    assert_chinese(page, "专家抽取统计", "各专业在库专家与使用", "王建平")
    screenshot(page, "expert_pool_13_statistics")
    page.goto("/expert-pool/grants/")
    page.select_option("select[name=region]", label="锦江区")
    page.fill("input[name=start]", timezone.localdate().isoformat())
    page.fill("input[name=end]", (timezone.localdate() + dt.timedelta(days=60)).isoformat())
    page.fill("input[name=letter_no]", "锦政审函〔2026〕21号")
    with page.expect_navigation():
        page.click("button:has-text('开通')")
    assert_chinese(page, "已开通授权", "授权中", "锦政审函〔2026〕21号")
    screenshot(page, "expert_pool_14_grants")
    page.goto("/expert-pool/fees/")
    assert_chinese(page, "专家费", "成都市政务云安全运营服务方案评审", "2,000.00")
    screenshot(page, "expert_pool_15_fees")
    assert_local(page)
