"""Demo data: realistic, idempotent (a second run writes nothing), and wired so that impact analysis means
something (a core switch of 政务云一 takes down 蓉易办 and the systems that call it)."""

import pytest


@pytest.mark.django_db
def test_demo_load_is_idempotent_and_meaningful(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from egov_base.org import demo as org_demo
    from egov_cmdb import demo
    from egov_cmdb.models import CI, CIVersion, Relation
    from egov_cmdb.services.impact import business_system_class_ids, impact_of

    org_demo.load_organizations()
    first = demo.load()
    assert first["cis"] > 300 and first["relations"] > 500
    assert CI.objects.filter(ci_class_id__in=business_system_class_ids()).count() >= 30
    counts = (CI.objects.count(), Relation.objects.count(), CIVersion.objects.count())
    assert first["views"] == 4
    second = demo.load()
    assert second["cis"] == 0 and second["relations"] == 0 and second["views"] == 0
    assert (CI.objects.count(), Relation.objects.count(), CIVersion.objects.count()) == counts

    core = CI.objects.get(code="NET-Y1-CORE-A")
    names = {s["ci"]["name"] for s in impact_of([core.pk]).systems}
    assert {"蓉易办（成都市一体化政务服务平台）", "不动产登记信息管理平台", "一体化协同办公平台"} <= names
    assert "锦江区政务服务平台" in names  # on cloud three, but it calls 蓉易办 and 统一身份认证
    assert "天府健康通" in names  # calls 统一身份认证 (cloud one)
    assert "文化旅游公共服务平台" not in names  # cloud three, calls nothing on cloud one
    ryb = CI.objects.get(code="APP-RYB")
    assert ryb.organization.code == "CD-XZSP"
    # lifecycle and status variety for the statistics
    assert CI.objects.filter(lifecycle="in_stock").exists() and CI.objects.filter(lifecycle="retired").exists()
    assert CI.objects.filter(status="warning").exists()
