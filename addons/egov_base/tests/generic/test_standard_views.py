"""The standard view checks (egov_base.testing) for every egov_base model registered by the org area."""

import pytest

from egov_base.org.models import Organization, OrganizationContact, Region, Role, User
from egov_base.testing import StandardViewChecks
from egov_base.tests.factories import OrganizationContactFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestOrganizationViews(StandardViewChecks):
    model = Organization

    @pytest.fixture
    def view_case(self, users, orgs, regions):
        return dict(
            user=users["jj_admin"],
            obj=OrganizationFactory(name="锦江区档案馆", code="JJ-DAG", kind="district_dept", region=regions["锦江区"]),
            outsider=users["qy_admin"],
            no_perm_user=UserFactory(username="nobody", organization=orgs["jinjiang"]),
            add_data={"name": "锦江区统计局", "code": "JJ-TJJ", "kind": "district_dept",
                      "region": regions["锦江区"].pk, "sort": 0, "is_active": "on"},
            edit_data={"name": "锦江区档案馆（新）", "code": "JJ-DAG", "kind": "district_dept",
                       "region": regions["锦江区"].pk, "sort": 1, "is_active": "on"},
        )

    def test_delete_as_sysadmin(self, client, view_case, users):
        from egov_base.testing import assert_delete

        assert_delete(client, view_case["obj"], users["sysadmin"])


class TestContactViews(StandardViewChecks):
    model = OrganizationContact

    @pytest.fixture
    def view_case(self, users, orgs):
        return dict(
            user=users["jj_admin"],
            obj=OrganizationContactFactory(organization=orgs["jinjiang"], name="陈静", phone="13980001234"),
            outsider=users["qy_admin"],
            no_perm_user=UserFactory(username="nobody", organization=orgs["jinjiang"]),
            add_data={"organization": orgs["jinjiang_sub"].pk, "name": "刘洋", "position": "科长",
                      "phone": "138 0013 8000"},
            edit_data={"organization": orgs["jinjiang"].pk, "name": "陈静", "position": "主任",
                       "phone": "13980001234", "is_primary": "on"},
            delete=True,
        )


class TestRegionViews(StandardViewChecks):
    model = Region

    @pytest.fixture
    def view_case(self, users, regions):
        return dict(
            user=users["sysadmin"],
            obj=Region.objects.create(code="510104001", name="春熙路街道", level="street", kind="street",
                                      parent=regions["锦江区"]),
            no_perm_user=UserFactory(username="nobody"),
            add_data={"code": "510104002", "name": "书院街街道", "level": "street", "kind": "street",
                      "parent": regions["锦江区"].pk, "sort": 0, "is_active": "on"},
            delete=True,
        )


class TestUserViews(StandardViewChecks):
    model = User

    @pytest.fixture
    def view_case(self, users, orgs):
        return dict(
            user=users["jj_admin"],
            obj=UserFactory(username="jj_staff", name="李明", organization=orgs["jinjiang_sub"]),
            outsider=users["qy_admin"],
            no_perm_user=users["dept_user"],
            add_data={"username": "jj_new", "name": "周杰", "organization": orgs["jinjiang"].pk,
                      "phone": "13912345678", "email": "jj_new@example.gov.cn", "is_active": "on"},
            edit_data={"username": "jj_staff", "name": "李明明", "organization": orgs["jinjiang_sub"].pk,
                       "email": "jj_staff@example.gov.cn", "is_active": "on"},
        )


class TestRoleViews(StandardViewChecks):
    model = Role

    @pytest.fixture
    def view_case(self, users, orgs):
        from egov_base.org.services import role_create

        return dict(
            user=users["sysadmin"],
            obj=role_create(user=users["sysadmin"], data={"code": "qa_auditor", "name": "质量审计员"}),
            no_perm_user=users["dept_user"],
            add_data={"code": "data_steward", "name": "数据管理员", "default_data_scope": "org", "home": "backend",
                      "sort": 20},
            edit_data={"code": "qa_auditor", "name": "质量审计专员", "default_data_scope": "all", "home": "backend",
                       "sort": 21},
            delete=True,
        )
