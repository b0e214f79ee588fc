"""The whole city path and the district self-review path through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from egov_project_review import services
from egov_project_review.models import Countersign, Proposal, ProposalEvent
from egov_project_review.workflows import State

from .conftest import new_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def expert_pool(monkeypatch):
    """The expert pool's service API (another app) is replaced by a recorder in unit tests."""
    from egov_expert_pool import service_api as api

    calls = []

    def create(**kw):
        calls.append(("create", kw))
        return api.ActivityInfo(activity_id=7, number="ZJ-2026-000007", title=kw["title"], state="draft", url="/x/")

    def draw(**kw):
        calls.append(("draw", kw))
        return api.ActivityInfo(activity_id=7, number="ZJ-2026-000007", title="t", state="confirming", url="/x/")

    monkeypatch.setattr(api, "activity_create_for_review", create)
    monkeypatch.setattr(api, "activity_draw", draw)
    monkeypatch.setattr(api, "activity_record_result", lambda **kw: calls.append(("result", kw)))
    monkeypatch.setattr(api, "activity_get", lambda **kw: None)
    monkeypatch.setattr(api, "district_authorised", lambda **kw: calls.append(("auth", kw)) or True)
    return calls


def test_city_path_end_to_end(pr_setup, expert_pool):
    u = pr_setup
    p = new_proposal(u["city_applicant"])
    assert p.level == "city" and p.state == State.DRAFT
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    p.refresh_from_db()
    assert p.state == State.INTAKE and p.doc_version == 1 and p.submit_count == 1
    assert {t.tag.name for t in p.proposal_tags.select_related("tag")} >= {"政务云", "统一身份认证", "电子证照"}

    services.intake_pass(user=u["intake"], proposal=p)
    p.refresh_from_db()
    assert p.state == State.ASSIGN and p.assigned_head == u["dept_head"]

    services.transfer(user=u["dept_head"], proposal=p, to_head=u["head2"], comment="属数据资源部职责")
    p.refresh_from_db()
    assert p.state == State.TRANSFER
    services.proposal_act(user=u["leader"], proposal=p, action="transfer_approve", comment="同意")
    p.refresh_from_db()
    assert p.state == State.ASSIGN and p.assigned_head == u["head2"]

    services.assign_reviewer(user=u["head2"], proposal=p, reviewer=u["reviewer"])
    services.proposal_act(user=u["reviewer"], proposal=p, action="prereview_pass", comment="方案完整")
    p.refresh_from_db()
    assert p.state == State.COUNTERSIGN

    rows = services.countersign_draw(user=u["reviewer"], proposal=p, seed="abc123")
    assert {r.slot for r in rows} == {"leader", "head"} and all(r.seed == "abc123" for r in rows)
    # replaying the seed over the stored candidates gives the same choice
    import random
    rng = random.Random("abc123")
    leader_ids = [c["id"] for c in rows[0].candidates if rows[0].slot == "leader"] or [c["id"] for c in rows[1].candidates]
    assert rng.choice(leader_ids) == next(r.signer_id for r in rows if r.slot == "leader")
    for r in rows:
        services.countersign_vote(user=r.signer, proposal=p, passed=True, opinion="同意")
    p.refresh_from_db()
    assert p.state == State.ACCEPT

    services.proposal_act(user=u["accept"], proposal=p, action="accept_expert")
    services.expert_draw(user=u["accept"], proposal=p, date="2026-12-01", half_day="am", place="三楼会议室",
                         demands=[{"specialty": "software", "count": 3}])
    p.refresh_from_db()
    assert p.expert_activity_id == 7
    services.expert_record(user=u["accept"], proposal=p, passed=True, opinion="建议补充安全方案", needs_improve=True)
    p.refresh_from_db()
    assert p.state == State.IMPROVE

    services.proposal_update(user=u["city_applicant"], proposal=p, data={
        "title": p.title, "content": {**p.content, "resources": "政务云 32 核 128G；等保三级安全方案"},
        "intensive": p.intensive, "budget": "390"})
    services.proposal_act(user=u["city_applicant"], proposal=p, action="improve_submit")
    p.refresh_from_db()
    assert p.state == State.AUDIT and p.doc_version == 2
    services.proposal_act(user=u["reviewer"], proposal=p, action="audit_pass", comment="已按意见完善")
    p.refresh_from_db()
    assert p.state == State.REPLY and p.reply_origin == State.AUDIT
    letter = services.reply_issue(user=u["reply"], proposal=p, opinion="同意实施")
    p.refresh_from_db()
    assert p.state == State.DONE and letter.number.startswith("HH-")

    actions = list(ProposalEvent.objects.filter(proposal=p).order_by("pk").values_list("action", flat=True))
    assert actions[:4] == ["submit", "intake_pass", "transfer", "transfer_approve"]
    assert "reply_issue" in actions
    assert [log.action for log in p.process_logs][-1] == "reply_issue"


def test_district_self_review_path(pr_setup):
    u = pr_setup
    p = new_proposal(u["jj_applicant"], title="锦江区智慧社区建设项目")
    assert p.level == "district"
    services.proposal_submit(user=u["jj_applicant"], proposal=p)
    with pytest.raises(ValidationError):  # city pre-review service not open for 锦江区
        services.intake_pass(user=u["jj_admin"], proposal=p, route="city")
    services.intake_pass(user=u["jj_admin"], proposal=p, route="self")
    p.refresh_from_db()
    assert p.state == State.PREREVIEW and p.route == "self"
    services.proposal_act(user=u["jj_admin"], proposal=p, action="prereview_pass", comment="通过")
    p.refresh_from_db()
    assert p.state == State.ACCEPT  # no 会签 for district proposals
    services.proposal_act(user=u["jj_admin"], proposal=p, action="accept_reply")
    services.reply_issue(user=u["jj_admin"], proposal=p, opinion="同意")
    p.refresh_from_db()
    assert p.state == State.DONE


def test_district_city_prereview_when_open(pr_setup, regions):
    u = pr_setup
    services.district_control_set(user=u["admin"], region=regions["锦江区"], enabled=True)
    p = new_proposal(u["jj_applicant"], title="锦江区政务服务一体机项目")
    services.proposal_submit(user=u["jj_applicant"], proposal=p)
    services.intake_pass(user=u["jj_admin"], proposal=p, route="city")
    p.refresh_from_db()
    assert p.state == State.ASSIGN and p.route == "city"


def test_return_and_resubmit(pr_setup):
    u = pr_setup
    p = new_proposal(u["city_applicant"])
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    with pytest.raises(ValidationError):
        services.proposal_act(user=u["intake"], proposal=p, action="return_to_applicant", comment="")
    services.proposal_act(user=u["intake"], proposal=p, action="return_to_applicant", comment="缺少资源需求测算")
    p.refresh_from_db()
    assert p.state == State.RETURNED and p.return_reason == "缺少资源需求测算"
    services.proposal_update(user=u["city_applicant"], proposal=p, data={
        "title": p.title, "content": {**p.content, "resources": "测算见附件"}, "intensive": p.intensive})
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    p.refresh_from_db()
    assert p.state == State.INTAKE and p.submit_count == 2 and p.doc_version == 2


def test_double_submission_runs_once(pr_setup):
    u = pr_setup
    p = new_proposal(u["city_applicant"])
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    stale = Proposal.objects.get(pk=p.pk)
    with pytest.raises(ValidationError):
        services.proposal_submit(user=u["city_applicant"], proposal=stale)
    p.refresh_from_db()
    assert p.submit_count == 1 and p.doc_version == 1
    assert ProposalEvent.objects.filter(proposal=p, action="submit").count() == 1


def test_terminate_needs_reason(pr_setup):
    u = pr_setup
    p = new_proposal(u["city_applicant"])
    with pytest.raises(ValidationError):
        services.proposal_act(user=u["city_applicant"], proposal=p, action="terminate", comment=" ")
    services.proposal_act(user=u["city_applicant"], proposal=p, action="terminate", comment="项目已合并")
    p.refresh_from_db()
    assert p.state == State.TERMINATED and p.terminate_reason == "项目已合并"


def test_countersign_fail_goes_to_consult(pr_setup):
    u = pr_setup
    p = _to_countersign(u)
    rows = services.countersign_draw(user=u["reviewer"], proposal=p)
    again = services.countersign_draw(user=u["reviewer"], proposal=p)  # idempotent while pending
    assert {r.pk for r in again} == {r.pk for r in rows}
    with pytest.raises(ValidationError):
        services.countersign_vote(user=rows[0].signer, proposal=p, passed=False, opinion="")
    services.countersign_vote(user=rows[0].signer, proposal=p, passed=False, opinion="投资估算偏高")
    p.refresh_from_db()
    assert p.state == State.CONSULT and p.consult_origin == State.COUNTERSIGN
    with pytest.raises(PermissionDenied):  # the other signer's vote no longer counts
        services.countersign_vote(user=rows[1].signer, proposal=p, passed=True)
    assert Countersign.objects.filter(proposal=p, result="fail").count() == 1


def _to_countersign(u):
    p = new_proposal(u["city_applicant"])
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    services.intake_pass(user=u["intake"], proposal=p)
    services.assign_reviewer(user=u["dept_head"], proposal=p, reviewer=u["reviewer"])
    services.proposal_act(user=u["reviewer"], proposal=p, action="prereview_pass", comment="通过")
    p.refresh_from_db()
    return p
