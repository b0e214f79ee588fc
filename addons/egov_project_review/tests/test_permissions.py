"""Every transition's permission, data scope by URL and by API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from egov_project_review import services
from egov_project_review.workflows import State

from .conftest import new_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_p(pr_setup):
    p = new_proposal(pr_setup["city_applicant"])
    services.proposal_submit(user=pr_setup["city_applicant"], proposal=p)
    p.refresh_from_db()
    return p


@pytest.fixture
def district_p(pr_setup):
    p = new_proposal(pr_setup["jj_applicant"], title="锦江区智慧社区建设项目")
    services.proposal_submit(user=pr_setup["jj_applicant"], proposal=p)
    p.refresh_from_db()
    return p


def test_only_applicant_submits(pr_setup):
    u = pr_setup
    p = new_proposal(u["city_applicant"])
    for who in ("reviewer", "intake", "jj_applicant"):
        with pytest.raises(PermissionDenied):
            services.proposal_submit(user=u[who], proposal=p)


def test_intake_permissions(pr_setup, city_p, district_p):
    u = pr_setup
    # city intake cannot see / act on district proposals; district admins cannot act on city ones
    with pytest.raises(PermissionDenied):
        services.intake_pass(user=u["intake"], proposal=district_p, route="self")
    with pytest.raises(PermissionDenied):
        services.intake_pass(user=u["jj_admin"], proposal=city_p)
    # another district's administrator
    with pytest.raises(PermissionDenied):
        services.intake_pass(user=u["qy_admin"], proposal=district_p, route="self")
    with pytest.raises(PermissionDenied):
        services.intake_pass(user=u["reviewer"], proposal=city_p)


def test_reviewer_cannot_act_on_anothers_task(pr_setup, city_p):
    u = pr_setup
    services.intake_pass(user=u["intake"], proposal=city_p)
    with pytest.raises(PermissionDenied):  # only the routed head assigns
        services.assign_reviewer(user=u["head2"], proposal=city_p, reviewer=u["reviewer"])
    services.assign_reviewer(user=u["dept_head"], proposal=city_p, reviewer=u["reviewer"])
    with pytest.raises(PermissionDenied):
        services.proposal_act(user=u["reviewer2"], proposal=city_p, action="prereview_pass", comment="通过")
    with pytest.raises(PermissionDenied):
        services.tags_set(user=u["reviewer2"], proposal=city_p, tag_ids=[])
    services.proposal_act(user=u["reviewer"], proposal=city_p, action="prereview_pass", comment="通过")
    with pytest.raises(PermissionDenied):
        services.countersign_draw(user=u["reviewer2"], proposal=city_p)
    rows = services.countersign_draw(user=u["reviewer"], proposal=city_p)
    outsider = u["reviewer2"]
    assert outsider.pk not in {r.signer_id for r in rows}
    with pytest.raises(PermissionDenied):
        services.countersign_vote(user=outsider, proposal=city_p, passed=True)


def test_transfer_needs_leader(pr_setup, city_p):
    u = pr_setup
    services.intake_pass(user=u["intake"], proposal=city_p)
    with pytest.raises(ValidationError):  # a reason is required
        services.transfer(user=u["dept_head"], proposal=city_p, to_head=u["head2"], comment="")
    services.transfer(user=u["dept_head"], proposal=city_p, to_head=u["head2"], comment="职责调整")
    for who in ("dept_head", "head2", "reviewer"):
        with pytest.raises(PermissionDenied):
            services.proposal_act(user=u[who], proposal=city_p, action="transfer_approve")
    services.proposal_act(user=u["leader"], proposal=city_p, action="transfer_reject", comment="仍由原部门办理")
    city_p.refresh_from_db()
    assert city_p.state == State.ASSIGN and city_p.assigned_head == u["dept_head"] and city_p.transfer_to is None


def test_accept_and_reply_permissions(pr_setup, city_p):
    u = pr_setup
    services.intake_pass(user=u["intake"], proposal=city_p)
    services.assign_reviewer(user=u["dept_head"], proposal=city_p, reviewer=u["reviewer"])
    services.proposal_act(user=u["reviewer"], proposal=city_p, action="prereview_pass", comment="通过")
    for r in services.countersign_draw(user=u["reviewer"], proposal=city_p):
        services.countersign_vote(user=r.signer, proposal=city_p, passed=True)
    with pytest.raises(PermissionDenied):
        services.proposal_act(user=u["reviewer"], proposal=city_p, action="accept_reply")
    services.proposal_act(user=u["accept"], proposal=city_p, action="accept_reply")
    with pytest.raises(PermissionDenied):
        services.reply_issue(user=u["accept"], proposal=city_p)
    services.proposal_act(user=u["reply"], proposal=city_p, action="reply_return", comment="请补充实施计划")
    city_p.refresh_from_db()
    assert city_p.state == State.IMPROVE  # came from 受理 → back to 完善


def test_scope_by_url(client, pr_setup, city_p, district_p):
    u = pr_setup
    detail = lambda p: reverse("egov_project_review:proposal_detail", args=[p.pk])  # noqa: E731
    cases = [("jj_admin", district_p, 200), ("jj_admin", city_p, 404), ("qy_admin", district_p, 404),
             ("intake", city_p, 200), ("intake", district_p, 404), ("city_applicant", city_p, 200),
             ("city_applicant", district_p, 404), ("jj_applicant", city_p, 404)]
    for who, p, status in cases:
        client.force_login(u[who])
        assert client.get(detail(p)).status_code == status, (who, p)
        assert client.get(reverse("egov_project_review:document", args=[p.pk])).status_code == status
        r = client.post(reverse("egov_project_review:proposal_do", args=[p.pk, "intake_pass"]), {"route": "self"})
        assert r.status_code in ((302,) if status == 200 else (404,))
    client.force_login(u["jj_admin"])
    listing = client.get(reverse("egov_project_review:proposal_list")).content.decode()
    assert district_p.title in listing and city_p.title not in listing
    client.force_login(u["intake"])
    listing = client.get(reverse("egov_project_review:proposal_list")).content.decode()
    assert city_p.title in listing and district_p.title not in listing


def test_scope_by_api(client, pr_setup, city_p, district_p):
    u = pr_setup
    client.force_login(u["qy_admin"])
    r = client.get(reverse("egov_project_review:api_proposal_list"))
    assert r.status_code == 200 and r.json()["count"] == 0
    assert client.get(reverse("egov_project_review:api_proposal_detail", args=[district_p.pk])).status_code == 404
    client.force_login(u["jj_admin"])
    ids = [x["id"] for x in client.get(reverse("egov_project_review:api_proposal_list")).json()["results"]]
    assert ids == [district_p.pk]
    assert client.get(reverse("egov_project_review:api_proposal_detail", args=[city_p.pk])).status_code == 404
    client.force_login(u["ops"])  # no view permission
    assert client.get(reverse("egov_project_review:api_proposal_list")).status_code == 403
    client.logout()
    assert client.get(reverse("egov_project_review:api_proposal_list")).status_code in (401, 403)


def test_attachment_download_scoped(client, pr_setup, city_p):
    u = pr_setup
    att = services.document_attachment(city_p)
    url = reverse("egov_base:attachment_download", args=[att.pk])
    client.force_login(u["jj_admin"])
    assert client.get(url).status_code == 404
    client.force_login(u["intake"])
    assert client.get(url).status_code == 200
