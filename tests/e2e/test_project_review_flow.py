"""Project review (issue 5) in a real browser, as the real roles.

* the city path: 申报 → 接件 → 分配 (with one transfer approved by a centre leader) → 预审 → 会签 → 受理 → 专家评审
  (the expert pool's real service API: draw from a small library) → 完善 → 审核 → 回函, then the process trace;
* a district proposal on its self-review path;
* a return and resubmission;
* the Word path: open the merged document, edit a paragraph, save as a new version, add a comment, download the
  .docx and check with python-docx that the edit and the comment are in it.
"""

from __future__ import annotations

import io

import pytest
from docx import Document

from .conftest import login
from .helpers import assert_chinese, assert_local

pytestmark = pytest.mark.e2e
PASSWORD = "Egov@2026pass"


@pytest.fixture
def pr(db, users, make_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from egov_project_review import demo, services
    from egov_project_review.models import ReplyTemplate, Tag

    admin = users["sysadmin"]
    admin.is_superuser = True
    admin.save()
    for kind, rows in demo.SECTIONS.items():
        services.template_publish(user=admin, kind=kind, name=f"{kind}模版", sections=[
            {"key": k, "label": label, "required": req, "help": h} for k, label, req, h in rows])
    services.intensive_publish(user=admin, region=None, name="市级集约化建设模版", sections=[
        {"key": k, "label": label, "required": False, "help": h} for k, label, h in demo.INTENSIVE])
    ReplyTemplate.objects.create(name="市级项目方案审核意见回函", level="city",
                                 body="{{申报单位}}：\n《{{项目名称}}》审核意见：{{审核意见}}\n成都市大数据中心\n{{日期}}")
    for name, cat, kw in demo.TAGS:
        Tag.objects.create(name=name, category=cat, keywords=kw)
    extra = {
        "city_applicant": make_user("gh_user", "dept_user", "city", name="罗成林", phone="13980010027"),
        "pr_intake": make_user("pr_intake", "pr_intake", "centre", name="王丽娟"),
        "dept_head2": make_user("dept_head2", "dept_head", "centre", name="谢晓东"),
        "pr_accept": make_user("pr_accept", "pr_accept", "centre", name="罗春梅"),
        "pr_reply": make_user("pr_reply", "pr_reply", "centre", name="梁永刚"),
    }
    return {**users, **extra}


def _expert_library():
    from egov_base.validators import id_card_checksum
    from egov_expert_pool.data import ensure_dicts
    from egov_expert_pool.models import Expert

    ensure_dicts()
    for i, (name, employer) in enumerate([("王建平", "四川大学"), ("李晓峰", "电子科技大学"), ("刘丽华", "西南交通大学"),
                                          ("张志明", "中国科学院成都计算机应用研究所")], start=1):
        first17 = f"5101041976{i:02d}15{i:03d}"
        e = Expert(name=name, specialties=["security"], expert_type="tech", title="senior", employer=employer,
                   tags=["网络安全"], phone=f"+8613982{i:06d}", certificate_no=f"CDZJ-PR-{i:03d}",
                   id_card=first17 + id_card_checksum(first17), qualification="CISP")
        e.save()
        Expert.objects.filter(pk=e.pk).update(status="active")


class Actor:
    """One browser context per person (as if each sat at their own desk)."""

    def __init__(self, browser, live_server, user):
        self.ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                       viewport={"width": 1366, "height": 900})
        self.ctx.set_default_timeout(20_000)
        self.page = self.ctx.new_page()
        self.page.external_requests = []
        login(self.page, user.username, PASSWORD)

    def open(self, p, tab=""):
        self.page.goto(p.get_absolute_url() + (f"?tab={tab}" if tab else ""))
        return self.page

    def click(self, testid):
        # generous: a submit merges Word documents and the machine is shared
        with self.page.expect_navigation(timeout=60_000):
            self.page.get_by_test_id(testid).click(timeout=60_000)

    def close(self):
        self.ctx.close()


def _state(p):
    p.refresh_from_db()
    return p.state


def _apply(actor, title):
    pg = actor.page
    pg.goto("/project-review/proposals/add/?kind=construction")
    pg.fill("#f-title", title)
    pg.fill("#f-budget", "680")
    pg.fill("#f-phone", "028-61886000")
    pg.get_by_test_id("section-purpose").fill("提升不动产登记“一网通办”能力，依托政务云集约化建设。")
    pg.get_by_test_id("section-content").fill("建设统一身份认证接入和电子证照共享。\n升级登记数据库，开展等保三级测评。")
    pg.get_by_test_id("section-resources").fill("政务云 32 核 / 128 GB，存储 20 TB。")
    from egov_project_review.documents import save

    d = Document()
    d.add_heading("项目基础方案", level=1)
    d.add_paragraph("本项目依托市政务云和电子政务外网建设，接入天府通办统一身份认证。")
    pg.set_input_files("#f-files", files=[{"name": "基础方案.docx", "mimeType":
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       "buffer": save(d)}])
    with pg.expect_navigation():
        pg.get_by_test_id("save").click()
    from egov_project_review.models import Proposal

    return Proposal.objects.get(title=title)


def test_city_path_with_transfer_and_trace(browser, live_server, pr, screenshot):
    from egov_project_review.models import Countersign
    from egov_project_review.workflows import State

    _expert_library()
    u = pr
    app = Actor(browser, live_server, u["city_applicant"])
    p = _apply(app, "成都市不动产登记信息平台升级改造项目")
    screenshot(app.page, "pr_city_01_draft")
    app.click("submit")
    assert _state(p) == State.INTAKE
    assert_chinese(app.page, "已提交")

    intake = Actor(browser, live_server, u["pr_intake"])
    intake.page.goto("/project-review/?role=intake")
    screenshot(intake.page, "pr_city_02_intake_workbench")
    intake.open(p)
    intake.click("intake-pass")
    assert _state(p) == State.ASSIGN and p.assigned_head == u["dept_head"]

    head = Actor(browser, live_server, u["dept_head"])
    pg = head.open(p)
    pg.get_by_test_id("to-head").select_option(str(u["dept_head2"].pk))
    pg.locator("form:has([data-testid=transfer]) textarea[name=comment]").fill("项目以数据共享为主，转数据资源部办理")
    head.click("transfer")
    assert _state(p) == State.TRANSFER

    leader = Actor(browser, live_server, u["leader"])
    leader.open(p)
    screenshot(leader.page, "pr_city_03_transfer_pending")
    leader.click("t-transfer_approve")
    assert _state(p) == State.ASSIGN and p.assigned_head == u["dept_head2"]

    head2 = Actor(browser, live_server, u["dept_head2"])
    pg = head2.open(p)
    pg.get_by_test_id("reviewer").select_option(str(u["reviewer"].pk))
    head2.click("assign")
    assert _state(p) == State.PREREVIEW

    rev = Actor(browser, live_server, u["reviewer"])
    pg = rev.open(p)
    pg.get_by_test_id("comment-prereview_pass").fill("方案结构完整，符合集约化建设要求。")
    rev.click("t-prereview_pass")
    assert _state(p) == State.COUNTERSIGN
    rev.click("countersign-draw")
    signers = list(Countersign.objects.filter(proposal=p).select_related("signer"))
    assert len(signers) == 2
    for c in signers:
        a = Actor(browser, live_server, c.signer)
        pg = a.open(p)
        pg.get_by_test_id("countersign-opinion").fill("同意")
        a.click("countersign-pass")
        a.close()
    assert _state(p) == State.ACCEPT

    acc = Actor(browser, live_server, u["pr_accept"])
    acc.open(p)
    acc.click("t-accept_expert")
    assert _state(p) == State.EXPERT
    pg = acc.open(p)
    pg.locator("input[name=date]").fill("2026-12-08")
    pg.locator("input[name=specialty]").fill("security")
    pg.locator("input[name=count]").fill("3")
    with pg.expect_navigation():
        pg.get_by_role("button", name="抽取专家").click()
    p.refresh_from_db()
    assert p.expert_activity_id, pg.locator(".alert").all_inner_texts()
    screenshot(pg, "pr_city_04_expert_drawn")
    pg.get_by_test_id("expert-opinion").fill("专家组同意通过，建议补充密码应用方案。")
    pg.get_by_test_id("needs-improve").check()
    acc.click("expert-pass")
    assert _state(p) == State.IMPROVE

    pg = app.open(p)
    app.click("t-improve_submit")
    assert _state(p) == State.AUDIT
    pg = rev.open(p)
    pg.get_by_test_id("comment-audit_pass").fill("已按专家意见完善，同意。")
    rev.click("t-audit_pass")
    assert _state(p) == State.REPLY

    rep = Actor(browser, live_server, u["pr_reply"])
    rep.open(p)
    rep.click("reply")
    assert _state(p) == State.DONE

    pg = app.open(p, "trace")
    heads = [h.split()[0] for h in pg.locator("#process-trace h4").all_inner_texts()]
    for step in ("提交", "接件通过", "转交", "同意转交", "分配预审人员", "预审通过", "抽取会签人员", "会签", "会签通过",
                 "受理：需专家评审", "抽取专家", "专家评审通过", "提交完善方案", "审核通过", "回函"):
        assert step in heads, (step, heads)
    screenshot(pg, "pr_city_05_trace")
    pg = app.open(p, "records")
    assert_chinese(pg, "会签", "回函")
    screenshot(pg, "pr_city_06_records")
    app.page.goto("/project-review/?role=applicant&range=6m")
    screenshot(app.page, "pr_city_07_applicant_workbench")
    leader.page.goto("/project-review/?role=leader&range=1m")
    screenshot(leader.page, "pr_city_08_leader_workbench")
    for a in (app, intake, head, leader, head2, rev, acc, rep):
        assert_local(a.page)
        a.close()


def test_district_self_review_and_return(browser, live_server, pr, screenshot):
    from egov_project_review.workflows import State

    u = pr
    app = Actor(browser, live_server, u["dept_user"])
    p = _apply(app, "锦江区智慧社区建设项目")
    app.click("submit")
    admin = Actor(browser, live_server, u["jj_admin"])
    pg = admin.open(p)
    # return with a reason first
    pg.get_by_test_id("comment-return_to_applicant").fill("资源需求未附测算依据，请补充。")
    admin.click("t-return_to_applicant")
    assert _state(p) == State.RETURNED
    pg = app.open(p)
    assert_chinese(pg, "资源需求未附测算依据")
    screenshot(pg, "pr_district_01_returned")
    app.page.goto(p.get_absolute_url() + "edit/")
    app.page.get_by_test_id("section-resources").fill("政务云 16 核 / 64 GB（测算依据：并发 500 人）")
    with app.page.expect_navigation():
        app.page.get_by_test_id("save").click()
    app.click("submit")
    assert _state(p) == State.INTAKE and p.submit_count == 2
    pg = admin.open(p)
    pg.get_by_test_id("route").select_option("self")
    admin.click("intake-pass")
    assert _state(p) == State.PREREVIEW and p.route == "self"
    pg = admin.open(p)
    pg.get_by_test_id("comment-prereview_pass").fill("符合区级集约化要求")
    admin.click("t-prereview_pass")
    assert _state(p) == State.ACCEPT
    admin.open(p)
    admin.click("t-accept_reply")
    admin.open(p)
    admin.click("reply")
    assert _state(p) == State.DONE
    pg = admin.open(p, "trace")
    heads = [h.split()[0] for h in pg.locator("#process-trace h4").all_inner_texts()]
    assert "退回申报单位" in heads and heads.count("提交") == 2, heads
    screenshot(pg, "pr_district_02_trace")
    # the other district's administrator cannot open it
    other = Actor(browser, live_server, u["qy_admin"])
    resp = other.page.goto(p.get_absolute_url())
    assert resp.status == 404
    for a in (app, admin, other):
        assert_local(a.page)
        a.close()


def test_word_online_edit_comment_download(browser, live_server, pr, screenshot):
    from egov_project_review import services

    u = pr
    app = Actor(browser, live_server, u["city_applicant"])
    p = _apply(app, "天府健康通二期项目")
    app.click("submit")
    app.close()

    intake = Actor(browser, live_server, u["pr_intake"])
    pg = intake.open(p)
    with pg.expect_navigation():
        pg.get_by_test_id("open-document").click()
    pg.locator("#pr-docx section.docx").first.wait_for()
    screenshot(pg, "pr_word_01_preview")
    pg.get_by_test_id("tab-edit").click()
    data, _v = services.document_bytes(p)
    paras = [x.text for x in Document(io.BytesIO(data)).paragraphs]
    idx = next(i for i, t in enumerate(paras) if t.startswith("提升不动产登记"))
    block = pg.get_by_test_id(f"para-{idx}")
    block.click()
    block.fill("提升不动产登记“一网通办”和“跨省通办”能力（接件时修订）。")
    screenshot(pg, "pr_word_02_editing")
    with pg.expect_navigation():
        pg.get_by_test_id("save-doc").click()
    assert pg.get_by_test_id("doc-version").inner_text() == "V2"
    pg.get_by_test_id("tab-edit").click()
    pg.get_by_test_id(f"para-{idx + 1}").click()
    pg.get_by_test_id("comment-text").fill("请补充统一身份认证接入方式")
    with pg.expect_navigation():
        pg.get_by_test_id("add-comment").click()
    assert pg.get_by_test_id("doc-version").inner_text() == "V3"
    assert "请补充统一身份认证接入方式" in pg.get_by_test_id("comments").inner_text()
    pg.locator("#pr-docx section.docx").first.wait_for()
    screenshot(pg, "pr_word_03_commented")
    with pg.expect_download() as dl:
        pg.get_by_test_id("download").click()
    doc = Document(dl.value.path())
    texts = [x.text for x in doc.paragraphs]
    assert "提升不动产登记“一网通办”和“跨省通办”能力（接件时修订）。" in texts
    assert [(c.author, c.text) for c in doc.comments] == [(str(u["pr_intake"]), "请补充统一身份认证接入方式")]
    assert_local(pg)
    intake.close()
