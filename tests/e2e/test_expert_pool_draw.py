"""Scored demo 3 (专家抽取) in a real browser, as the reviewer: create a draw for a proposal with rules (expert type,
tag exclusion, conflict avoidance), fix the pool and see the commitment, draw, receive simulated accept / decline
callbacks from a local HTTP server playing the voice carrier, watch the replacement draw, finish with the confirmed
list and open the verify page with the draw recomputed. There is no phone line here: the carrier is simulated."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
import requests
from django.utils import timezone

from .helpers import assert_chinese, assert_local

pytestmark = pytest.mark.e2e

SECRET = "e2e-voice-secret"


@pytest.fixture
def library(db, orgs):
    from egov_base.integration.breaker import CircuitBreaker
    from egov_base.validators import id_card_checksum
    from egov_expert_pool.data import ensure_dicts
    from egov_expert_pool.models import Expert

    ensure_dicts()
    CircuitBreaker("expert_voice").reset()
    people = [
        # name, employer, type, tags
        ("王建平", "四川大学", "tech", ["网络安全", "高校"]),
        ("李晓峰", "电子科技大学", "tech", ["网络安全", "高校"]),
        ("张志明", "中国科学院成都计算机应用研究所", "tech", ["网络安全", "科研院所"]),
        ("刘丽华", "西南交通大学", "tech", ["网络安全", "高校"]),
        ("陈海波", "成都天府软件有限公司", "tech", ["网络安全", "企业"]),           # bidder's employee
        ("杨雪松", "四川华西信息技术有限公司", "tech", ["网络安全", "供应商背景"]),  # blocked by tag
        ("黄俊", "成都市经济和信息化局", "tech", ["网络安全"]),                    # applicant's staff
        ("赵文涛", "西华大学", "manage", ["网络安全", "高校"]),                    # wrong type
    ]
    out = {}
    for i, (name, employer, etype, tags) in enumerate(people, start=1):
        first17 = f"5101041975{i:02d}15{i:03d}"
        e = Expert(name=name, specialties=["security"], expert_type=etype, title="senior" if i % 2 else "vice",
                   employer=employer, tags=tags, phone=f"+8613981{i:06d}", certificate_no=f"CDZJ-E2E-{i:03d}",
                   id_card=first17 + id_card_checksum(first17), qualification="CISP")
        e.save()
        Expert.objects.filter(pk=e.pk).update(status="active")
        out[name] = e
    return out


@pytest.fixture
def carrier(http_peer, monkeypatch, live_server):
    monkeypatch.setenv("EXPERT_VOICE_API_URL", http_peer.url(""))
    monkeypatch.setenv("EXPERT_VOICE_CALLBACK_SECRET", SECRET)
    monkeypatch.setenv("EXPERT_VOICE_CALLBACK_URL", live_server.url + "/expert-pool/voice/callback/")
    for n in range(1, 13):
        http_peer.enqueue(json={"code": 0, "call_id": f"E2E-CALL-{n:03d}"})
    return http_peer


def _callback(live_server, call_id, key):
    body = json.dumps({"call_id": call_id, "status": "answered", "key": key}).encode()
    ts = str(int(time.time()))
    sig = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return requests.post(live_server.url + "/expert-pool/voice/callback/", data=body, timeout=10,
                         headers={"Content-Type": "application/json", "X-Voice-Timestamp": ts,
                                  "X-Voice-Signature": sig})


def _call_for(name):
    from egov_expert_pool.models import CallAttempt

    return CallAttempt.objects.filter(booking__expert__name=name).order_by("-attempt_no").first()


def test_reviewer_draws_experts_with_rules_confirmations_replacement_and_verify(
        login_as, page, live_server, library, carrier, orgs, screenshot):
    from egov_expert_pool.models import Activity, Booking

    login_as("reviewer")
    page.goto("/expert-pool/activity/new/")
    assert_chinese(page, "新建抽取活动", "抽取规则", "评审内容")
    date = (timezone.localdate() + dt.timedelta(days=6)).isoformat()
    page.fill("input[name=title]", "成都市电子政务外网安全加固项目技术方案评审")
    page.fill("input[name=date]", date)
    page.select_option("select[name=half_day]", "am")
    page.fill("input[name=place]", "成都市大数据中心 3 楼第一会议室")
    page.select_option("select[name=organization]", label="成都市大数据中心")
    page.fill("input[name=item_0_title]", "电子政务外网安全加固项目（方案编号 FA-2026-0042）")
    page.select_option("select[name=item_0_applicant]", label="成都市经济和信息化局")
    page.fill("input[name=item_0_bidders]", "成都天府软件有限公司")
    page.check("input[name=expert_types][value=tech]")
    page.select_option("select[name=tags_exclude]", ["供应商背景"])
    page.select_option("select[name=demand_0_specialty]", "security")
    page.fill("input[name=demand_0_count]", "2")
    screenshot(page, "expert_pool_01_activity_form")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('保存抽取活动')")
    assert_chinese(page, "待抽取", "固定抽取池并公示承诺值")
    activity = Activity.objects.get(title="成都市电子政务外网安全加固项目技术方案评审")

    with page.expect_navigation():
        page.click("[data-test=commit]")
    commitment = page.locator("[data-test=commitment]").first.inner_text().strip()
    assert len(commitment) == 64
    assert_chinese(page, "已公示承诺值", "抽取池 4 人", "利益冲突回避 2 人", "标签屏蔽/不含所需标签 1 人",
                   "专家类型不符 1 人", "随机种子保密中")
    screenshot(page, "expert_pool_02_commitment")

    with page.expect_navigation():
        page.click("[data-test=execute]")
    assert_chinese(page, "确认中", "待确认")
    rows = page.locator("table[data-test=bookings] tbody tr")
    assert rows.count() == 2
    drawn = [rows.nth(i).get_attribute("data-expert") for i in range(2)]
    for blocked in ("陈海波", "杨雪松", "黄俊", "赵文涛"):
        assert blocked not in drawn
    assert len(carrier.requests_to("/calls")) == 2
    assert "确认参加请按1" in carrier.requests_to("/calls")[0].json["tts_text"]
    screenshot(page, "expert_pool_03_drawn")

    # the carrier calls back: the first expert presses 1, the second presses 2 (declines)
    assert _callback(live_server, _call_for(drawn[0]).call_id, "1").json()["effect"] == "applied"
    assert _callback(live_server, _call_for(drawn[0]).call_id, "1").json()["effect"] == "duplicate"
    assert _callback(live_server, _call_for(drawn[1]).call_id, "2").json()["effect"] == "applied"
    # HTMX polling shows the decline and the replacement draw (补抽) with a new pending expert
    page.wait_for_selector(f"tr[data-expert='{drawn[1]}'][data-status=declined]", timeout=15_000)
    page.wait_for_selector("tr[data-status=pending]", timeout=15_000)
    assert_chinese(page, "第 2 轮（补抽）", "明确不参加", "已确认参加")
    replacement = Booking.objects.filter(activity=activity, status="pending").get()
    assert replacement.expert.name not in drawn and replacement.expert.name not in ("陈海波", "杨雪松", "黄俊", "赵文涛")
    screenshot(page, "expert_pool_04_replacement")

    assert _callback(live_server, _call_for(replacement.expert.name).call_id, "1").json()["effect"] == "applied"
    page.wait_for_selector("[data-test=state-badge]:has-text('专家已确认')", timeout=15_000)
    assert page.locator("tr[data-status=confirmed]").count() == 2
    assert_chinese(page, "专家已确认", "2 / 2")
    screenshot(page, "expert_pool_05_confirmed")

    page.click("a:has-text('校验抽取')")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-test=verify-ok]").count() == 2
    assert_chinese(page, "校验通过：结果可复现", "承诺值 = SHA-256(种子哈希+规则+抽取池)", "一致")
    assert commitment in page.content()
    screenshot(page, "expert_pool_06_verify")
    assert_local(page)
