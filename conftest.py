"""Fixtures shared by every app's tests: the Chengdu region tree, built-in roles, organisations in two
districts and the city, and a user per role."""

import pytest

pytest_plugins = ["tests.peers.fixtures"]

TEST_PASSWORD = "Egov@2026pass"


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Every test starts in the default language (zh-hans): a request made in English (LocaleMiddleware activates the
    language for the thread and nothing resets it) must not leak into the next test of the same worker."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def regions(db):
    from egov_base.org.data import ensure_regions
    from egov_base.org.models import Region

    city = ensure_regions()
    return {"city": city, **{r.name: r for r in Region.objects.filter(level="district")}}


@pytest.fixture
def roles(db):
    from egov_base.org.roles import sync_roles

    sync_roles()


@pytest.fixture
def orgs(regions):
    from egov_base.org.models import Organization
    from egov_base.tests.factories import OrganizationFactory

    city_dept = OrganizationFactory(name="成都市经济和信息化局", code="CITY-JXJ", kind=Organization.Kind.CITY_DEPT, region=regions["city"])
    centre = OrganizationFactory(name="成都市大数据中心", code="CITY-DSJ", kind=Organization.Kind.CENTRE, region=regions["city"])
    jj = OrganizationFactory(name="锦江区行政审批局", code="JJ-XZSP", kind=Organization.Kind.DISTRICT_DEPT, region=regions["锦江区"])
    jj_sub = OrganizationFactory(name="锦江区行政审批局信息科", code="JJ-XZSP-XX", kind=Organization.Kind.INTERNAL, region=regions["锦江区"], parent=jj)
    qy = OrganizationFactory(name="青羊区行政审批局", code="QY-XZSP", kind=Organization.Kind.DISTRICT_DEPT, region=regions["青羊区"])
    return {"city": city_dept, "centre": centre, "jinjiang": jj, "jinjiang_sub": jj_sub, "qingyang": qy}


@pytest.fixture
def make_user(roles, orgs):
    from egov_base.tests.factories import UserFactory

    def _make(username, role=None, org="city", **kwargs):
        organization = orgs[org] if isinstance(org, str) else org
        return UserFactory(username=username, organization=organization, roles=role, **kwargs)

    return _make


@pytest.fixture
def users(make_user):
    """One user per built-in role (plus a second district administrator in another district)."""
    return {
        "sysadmin": make_user("sysadmin", "sysadmin", "centre", is_superuser=False),
        "city_admin": make_user("city_admin", "city_admin", "city"),
        "jj_admin": make_user("jj_admin", "district_admin", "jinjiang"),
        "qy_admin": make_user("qy_admin", "district_admin", "qingyang"),
        "dept_user": make_user("dept_user", "dept_user", "jinjiang"),
        "leader": make_user("leader", "centre_leader", "centre"),
        "dept_head": make_user("dept_head", "dept_head", "centre"),
        "reviewer": make_user("reviewer", "reviewer", "centre"),
        "service_desk": make_user("service_desk", "service_desk", "centre"),
        "ops": make_user("ops", "ops_engineer", "centre"),
    }
