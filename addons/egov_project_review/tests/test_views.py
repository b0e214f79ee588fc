"""Pages: workbench per role (bounded queries), list, form validation, templates, controls."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov_project_review import services
from egov_project_review.models import DistrictControl, Proposal

from .conftest import new_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def some(pr_setup):
    out = []
    for i in range(3):
        p = new_proposal(pr_setup["city_applicant"], title=f"天府健康通二期项目{i}")
        services.proposal_submit(user=pr_setup["city_applicant"], proposal=p)
        out.append(p)
    services.intake_pass(user=pr_setup["intake"], proposal=out[0])
    return out


WORKBENCHES = [("city_applicant", "applicant"), ("intake", "intake"), ("dept_head", "head"), ("leader", "leader"),
               ("reviewer", "prereview"), ("accept", "accept"), ("accept", "expert"), ("reviewer", "audit"),
               ("reply", "reply"), ("jj_admin", "intake")]


def test_workbench_every_role_bounded_queries(client, pr_setup, some):
    for who, role in WORKBENCHES:
        client.force_login(pr_setup[who])
        for rng in ("10d", "1m", "6m"):
            url = reverse("egov_project_review:workbench") + f"?role={role}&range={rng}"
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url)
            assert r.status_code == 200, (who, role)
            assert r.context["section"].key == role, (who, role)
            assert len(ctx.captured_queries) <= 30, [q["sql"][:120] for q in ctx.captured_queries]
            assert "pr-chart-data" in r.content.decode()


def test_workbench_counts_and_custom_range(client, pr_setup, some):
    client.force_login(pr_setup["intake"])
    r = client.get(reverse("egov_project_review:workbench") + "?role=intake&range=custom&start=2026-01-01&end=2030-12-31")
    cards = dict((str(k), v) for k, v in r.context["cards"])
    assert cards["项目接件总数"] == 1 and cards["项目通过数量"] == 1
    assert len(r.context["rows"]) == 2  # the two still at 接件


def test_list_queries_bounded(client, pr_setup, some):
    client.force_login(pr_setup["intake"])
    url = reverse("egov_project_review:proposal_list")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url + "?q=天府&state=intake")
    assert r.status_code == 200 and len(ctx.captured_queries) <= 20
    assert r.context["page"].paginator.count == 2


def test_detail_pages_per_tab(client, pr_setup, some):
    client.force_login(pr_setup["dept_head"])
    for tab in ("info", "files", "records", "trace"):
        r = client.get(reverse("egov_project_review:proposal_detail", args=[some[0].pk]) + f"?tab={tab}")
        assert r.status_code == 200
    assert "接件通过" in r.content.decode()  # the trace shows the logged step
    html = client.get(some[0].get_absolute_url()).content.decode()
    assert 'data-testid="assign"' in html and 'data-testid="transfer"' in html


def test_create_form_validation(client, pr_setup):
    client.force_login(pr_setup["city_applicant"])
    url = reverse("egov_project_review:proposal_add")
    assert client.get(url + "?kind=service").status_code == 200
    n = Proposal.objects.count()
    r = client.post(url, {"kind": "construction", "title": "", "budget": "abc"})
    assert r.status_code == 400 and "请填写项目名称" in r.content.decode()
    assert Proposal.objects.count() == n
    r = client.post(url, {"kind": "construction", "title": "成都市公共数据运营平台", "section_purpose": "数据要素",
                          "section_content": "平台建设", "budget": "120"})
    assert r.status_code == 302 and Proposal.objects.count() == n + 1
    p = Proposal.objects.latest("pk")
    r = client.post(reverse("egov_project_review:proposal_do", args=[p.pk, "submit"]))
    p.refresh_from_db()
    assert p.state == "intake"


def test_submit_missing_required_shows_message(client, pr_setup):
    client.force_login(pr_setup["city_applicant"])
    p = services.proposal_create(user=pr_setup["city_applicant"], data={"title": "成都市一网统管平台", "kind": "service"})
    r = client.post(reverse("egov_project_review:proposal_do", args=[p.pk, "submit"]), follow=True)
    assert "请填写必填栏目" in r.content.decode()
    p.refresh_from_db()
    assert p.state == "draft"


def test_templates_pages(client, pr_setup):
    client.force_login(pr_setup["admin"])
    for tab in ("proposal", "intensive", "reply"):
        assert client.get(reverse("egov_project_review:template_list") + f"?tab={tab}").status_code == 200
    r = client.post(reverse("egov_project_review:template_add"), {
        "kind": "service", "name": "服务方案申报模版（新版）",
        "sections": "purpose|项目目的|是|\nservice|服务内容|是|服务范围与指标"})
    assert r.status_code == 302
    r = client.post(reverse("egov_project_review:template_add"), {"kind": "service", "name": "x", "sections": ""})
    assert r.status_code == 400
    client.force_login(pr_setup["dept_user"])
    r = client.post(reverse("egov_project_review:template_add"), {"kind": "service", "name": "x", "sections": "a|b"})
    assert r.status_code == 403


def test_district_control_view(client, pr_setup, regions):
    client.force_login(pr_setup["admin"])
    url = reverse("egov_project_review:control_list")
    assert client.get(url).status_code == 200
    client.post(url, {"region": regions["锦江区"].pk, "enabled": "1", "note": "2026 年试点"})
    assert DistrictControl.objects.get(region=regions["锦江区"]).prereview_enabled
    client.post(url, {"region": regions["锦江区"].pk, "enabled": "0"})
    assert not DistrictControl.objects.get(region=regions["锦江区"]).prereview_enabled
    client.force_login(pr_setup["jj_admin"])
    r = client.get(url)
    assert r.status_code == 200 and len(r.context["rows"]) == 1
    client.post(url, {"region": regions["锦江区"].pk, "enabled": "1"})
    assert not DistrictControl.objects.get(region=regions["锦江区"]).prereview_enabled
