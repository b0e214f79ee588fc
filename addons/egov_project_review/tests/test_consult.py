"""会商 return rules: pass → next step of where it started; fail → one step back; from 预审 → applicant."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from egov_project_review import services
from egov_project_review.workflows import State, consult_back, consult_next

from .conftest import new_proposal

pytestmark = pytest.mark.django_db


class P:
    def __init__(self, origin, district=False, expert=False):
        self.consult_origin, self.is_district, self.expert_reviewed = origin, district, expert


@pytest.mark.parametrize("origin,district,expert,nxt,back", [
    (State.PREREVIEW, False, False, State.COUNTERSIGN, State.RETURNED),
    (State.PREREVIEW, True, False, State.ACCEPT, State.RETURNED),
    (State.COUNTERSIGN, False, False, State.ACCEPT, State.PREREVIEW),
    (State.ACCEPT, False, False, State.EXPERT, State.COUNTERSIGN),
    (State.ACCEPT, True, False, State.EXPERT, State.PREREVIEW),
    (State.EXPERT, False, False, State.IMPROVE, State.ACCEPT),
    (State.IMPROVE, False, True, State.AUDIT, State.EXPERT),
    (State.IMPROVE, False, False, State.AUDIT, State.ACCEPT),
])
def test_rules(origin, district, expert, nxt, back):
    p = P(origin, district, expert)
    assert consult_next(p) == nxt
    assert consult_back(p) == back


def _to_prereview(u):
    p = new_proposal(u["city_applicant"])
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    services.intake_pass(user=u["intake"], proposal=p)
    services.assign_reviewer(user=u["dept_head"], proposal=p, reviewer=u["reviewer"])
    p.refresh_from_db()
    return p


def _record(u, p, passed, opinion="会商意见"):
    return services.consult_record(user=u["reviewer"], proposal=p, participants="张伟、李娜、王强",
                                   held_at=timezone.now(), place="大数据中心 502 会议室", passed=passed,
                                   opinion=opinion)


def test_prereview_fail_consult_back_to_applicant(pr_setup):
    u = pr_setup
    p = _to_prereview(u)
    services.proposal_act(user=u["reviewer"], proposal=p, action="prereview_fail", comment="建设内容与职能不符")
    p.refresh_from_db()
    assert p.state == State.CONSULT and p.consult_origin == State.PREREVIEW
    with pytest.raises(ValidationError):  # people, time, place, opinion required
        services.consult_record(user=u["reviewer"], proposal=p, participants="", held_at=None, place="",
                                passed=False, opinion="")
    c = _record(u, p, False, "确需调整建设内容")
    p.refresh_from_db()
    assert p.state == State.RETURNED and p.return_reason == "确需调整建设内容" and c.origin == State.PREREVIEW


def test_consult_from_accept_pass_goes_to_expert(pr_setup):
    u = pr_setup
    p = _to_prereview(u)
    services.proposal_act(user=u["reviewer"], proposal=p, action="prereview_pass", comment="通过")
    for r in services.countersign_draw(user=u["reviewer"], proposal=p):
        services.countersign_vote(user=r.signer, proposal=p, passed=True)
    services.proposal_act(user=u["accept"], proposal=p, action="consult_start")
    p.refresh_from_db()
    assert p.state == State.CONSULT and p.consult_origin == State.ACCEPT
    _record(u, p, True)
    p.refresh_from_db()
    assert p.state == State.EXPERT


def test_consult_after_countersign_fail_back_to_prereview(pr_setup):
    u = pr_setup
    p = _to_prereview(u)
    services.proposal_act(user=u["reviewer"], proposal=p, action="prereview_pass", comment="通过")
    rows = services.countersign_draw(user=u["reviewer"], proposal=p)
    services.countersign_vote(user=rows[0].signer, proposal=p, passed=False, opinion="需要会商")
    _record(u, p, False, "退回预审重新审查")
    p.refresh_from_db()
    assert p.state == State.PREREVIEW
