import pytest
from django.core.exceptions import ValidationError

from egov_base import crypto
from egov_base.org.models import Organization, User
from egov_base.scope import DataScope, scope_queryset
from egov_base.validators import mask_id_card, normalize_phone, validate_id_card


def visible(user, model=Organization):
    return set(scope_queryset(model.objects.all(), user).values_list("code" if model is Organization else "username", flat=True))


@pytest.mark.django_db
def test_district_admin_sees_only_own_district(users):
    assert visible(users["jj_admin"]) == {"JJ-XZSP", "JJ-XZSP-XX"}
    assert visible(users["qy_admin"]) == {"QY-XZSP"}


@pytest.mark.django_db
def test_city_scope_sees_city_level_only(users):
    assert visible(users["city_admin"]) == {"CITY-JXJ", "CITY-DSJ"}


@pytest.mark.django_db
def test_org_scope_includes_sub_units(users, orgs):
    u = users["dept_user"]
    assert u.effective_data_scope == DataScope.ORG
    assert visible(u) == {"JJ-XZSP", "JJ-XZSP-XX"}
    u.organization = orgs["jinjiang_sub"]
    assert visible(u) == {"JJ-XZSP-XX"}


@pytest.mark.django_db
def test_self_scope_sees_own_user_only(users):
    u = users["dept_user"]
    u.data_scope = DataScope.SELF
    assert visible(u, User) == {"dept_user"}


@pytest.mark.django_db
def test_all_scope(users):
    assert len(visible(users["leader"])) == 5


@pytest.mark.django_db
def test_moving_an_org_rewrites_descendant_paths(orgs):
    sub = orgs["jinjiang_sub"]
    jj = orgs["jinjiang"]
    qy = orgs["qingyang"]
    jj.parent = qy
    jj.save()
    sub.refresh_from_db()
    assert sub.path.startswith(qy.path) and sub.depth == 2


def test_id_card_validation():
    assert validate_id_card("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValidationError):
        validate_id_card("110105194912310021")
    assert mask_id_card("11010519491231002X") == "110105********002X"


def test_phone_normalisation():
    assert normalize_phone("138 0013 8000") == "+8613800138000"
    assert normalize_phone("028-86612345") == "+862886612345"
    with pytest.raises(ValidationError):
        normalize_phone("12345")


@pytest.mark.django_db
def test_id_card_encrypted_at_rest(orgs):
    from django.db import connection

    u = User.objects.create(username="idc", name="张三", organization=orgs["city"], id_card="11010519491231002X")
    with connection.cursor() as cur:
        cur.execute("select id_card from egov_base_user where id=%s", [u.pk])
        raw = cur.fetchone()[0]
    assert "1101051949" not in raw
    u.refresh_from_db()
    assert u.id_card == "11010519491231002X"
    assert User.objects.filter(id_card_hash=crypto.keyed_hash("11010519491231002x")).get() == u
