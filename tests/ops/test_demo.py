"""Demo data and the operations management commands."""

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_org_demo_is_idempotent_and_realistic():
    from egov_base.org import demo
    from egov_base.org.models import Organization, OrganizationContact, Region, User

    demo.load()
    counts = (Organization.objects.count(), OrganizationContact.objects.count(), User.objects.count())
    demo.load()
    assert (Organization.objects.count(), OrganizationContact.objects.count(), User.objects.count()) == counts

    assert Region.objects.filter(level="district").count() == 23
    assert 130 <= counts[0] <= 200
    centre = Organization.objects.get(name="成都市大数据中心")
    assert centre.kind == Organization.Kind.CENTRE
    assert set(centre.children.values_list("name", flat=True)) >= {"综合部", "政务云运营部", "网络运营部", "数据资源部", "安全保障部", "项目评审部"}
    for name in ("成都市发展和改革委员会", "成都市公安局", "成都市卫生健康委员会", "成都市公共资源交易服务中心", "锦江区行政审批局"):
        org = Organization.objects.get(name=name)
        assert org.duties and org.contacts.filter(is_primary=True).exists()
    # every district has its departments, in the right district
    jj = Organization.objects.get(code="JJ-XZSP")
    assert jj.district.name == "锦江区" and not jj.is_city_level
    assert Organization.objects.filter(kind=Organization.Kind.DISTRICT_DEPT).values("district").distinct().count() == 23


@pytest.mark.django_db
def test_demo_users_one_per_role_with_documented_password():
    from egov_base.org import demo
    from egov_base.org.models import User
    from egov_base.org.roles import BASE_ROLE_CODES

    demo.load()
    validate_password(demo.DEMO_PASSWORD)  # passes the platform's own password policy
    for username, name, role, org_code, _pos, mobile in demo.DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.name == name and user.organization.code == org_code
        assert role in user.role_codes
        assert user.phone == mobile
    covered = {u[2] for u in demo.DEMO_USERS}
    assert covered >= BASE_ROLE_CODES  # roles registered by domain apps get demo users from those apps
    jj_admin = User.objects.get(username="jj_admin")
    assert jj_admin.organization.district.name == "锦江区" and jj_admin.effective_data_scope == "district"
    assert User.objects.get(username="dept_user").home_shell == "portal"
    assert User.objects.get(username="qy_admin").organization.district.name == "青羊区"


@pytest.mark.django_db
def test_load_demo_runs_every_area_guarded(monkeypatch):
    from egov_base import demo

    calls = []
    real = demo._area_module

    class Broken:
        @staticmethod
        def load():
            calls.append("broken")
            raise RuntimeError("boom")

    monkeypatch.setattr(demo, "_area_module", lambda area: Broken if area == "audit" else real(area))
    results = demo.load_demo(stdout=StringIO())
    assert results["org"] is True
    assert results["audit"] is False and calls == ["broken"]  # a failing area does not stop the others
    from django.conf import settings

    assert set(results) == {"org", *demo.AREAS, *(f"app:{a}" for a in settings.EGOV_ADDONS)}


@pytest.mark.django_db
def test_egov_demo_command_prints_logins():
    out = StringIO()
    call_command("egov_demo", stdout=out)
    text = out.getvalue()
    for username in ("sysadmin", "city_admin", "jj_admin", "dept_user", "leader", "reviewer", "service_desk", "ops"):
        assert username in text
    assert "Egov@2026demo" in text and "锦江区" in text
    out = StringIO()
    call_command("egov_demo", "--logins", stdout=out)
    assert "jj_admin" in out.getvalue()


@pytest.mark.django_db
def test_sync_commands_are_idempotent():
    from django_celery_beat.models import PeriodicTask

    from egov_base.org.models import Role
    from egov_base.org.roles import BUILTIN_ROLES
    from egov_base.schedules import registered

    for _ in range(2):
        call_command("egov_sync_roles", stdout=StringIO())
        call_command("egov_sync_schedules", stdout=StringIO())
    assert Role.objects.filter(is_builtin=True).count() == len(BUILTIN_ROLES)
    assert PeriodicTask.objects.filter(name__in=[p.name for p in registered()]).count() == len(registered())


@pytest.mark.django_db
def test_wait_for_services_answers():
    out = StringIO()
    call_command("egov_wait_for_services", "--timeout", "5", stdout=out)
    assert "postgresql" in out.getvalue() and "redis" in out.getvalue()


@pytest.mark.django_db
def test_wait_for_services_times_out_on_dead_redis(settings):
    from django.core.management.base import CommandError

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with pytest.raises(CommandError, match="redis"):
        call_command("egov_wait_for_services", "--timeout", "1", stdout=StringIO())
