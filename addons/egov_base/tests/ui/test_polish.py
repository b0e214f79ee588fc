"""UI polish from the browser review: live header badges, message-centre state after 标为已读, sortable
organisation names in the tree view, no repeated 基本信息 heading, breadcrumb separator, import table cells."""

import re

import pytest

from egov_base.generic.registry import model_url
from egov_base.notify.models import Message
from egov_base.notify.services import notify
from egov_base.org.models import Organization

pytestmark = pytest.mark.django_db


def _send(user, n=1):
    for i in range(n):
        notify([user], "notify.message", {"title": f"政务云平台计划维护通知 {i}", "body": "请知悉。"}, key=f"polish:{user.pk}:{i}")


def test_header_uses_refreshable_badges(client, users):
    me = users["ops"]
    _send(me)
    client.force_login(me)
    html = client.get("/").content.decode()
    assert 'id="notify-badge"' in html and "notify-changed from:body" in html
    assert 'id="inbox-badge"' in html
    bell = re.search(r'data-egov="unread-count"[^>]*>([^<]+)<', html)
    assert bell and bell.group(1).strip() == "1"


def test_mark_read_updates_counts_out_of_band_and_hides_read_all(client, users):
    me = users["reviewer"]
    _send(me, 2)
    client.force_login(me)
    page = client.get("/notify/").content.decode()
    assert 'id="notify-unread-tab"' in page and "全部标为已读" in page
    first, second = Message.objects.filter(recipient=me).order_by("pk")
    resp = client.post(f"/notify/{first.pk}/read/", HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp["HX-Trigger"] == "notify-changed"
    assert f'id="msg-{first.pk}"' in body
    assert re.search(r'id="notify-unread-tab"[^>]*hx-swap-oob="true"[^>]*>1<', body)
    assert "全部标为已读" in body
    body = client.post(f"/notify/{second.pk}/read/", HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'id="notify-unread-tab"[^>]*>0<', body)
    assert "全部标为已读" not in body  # nothing left to mark
    assert "全部标为已读" not in client.get("/notify/").content.decode()
    assert 'data-egov="unread-count"' not in client.get("/").content.decode()


def test_organization_name_sortable_in_tree_and_list(client, users, orgs):
    client.force_login(users["sysadmin"])
    url = model_url(Organization, "list")
    html = client.get(url).content.decode()
    assert "?view=list&amp;sort=name" in html  # tree view: the name header switches to a sorted list
    resp = client.get(url, {"view": "list", "sort": "-name"})
    names = [row["obj"].name for row in resp.context["rows"]]
    assert names == sorted(names, reverse=True) and len(names) == Organization.objects.count()


def test_detail_has_no_repeated_heading_and_spaced_breadcrumb(client, users, orgs):
    client.force_login(users["sysadmin"])
    html = client.get(orgs["jinjiang"].get_absolute_url()).content.decode()
    assert '<h3 class="card-title">基本信息</h3>' not in html  # the tab already says 基本信息
    assert "职能与联系方式" in html  # later fieldsets keep their headings
    assert re.search(r'</a><span class="egov-crumb-sep" aria-hidden="true">/</span><span>锦江区行政审批局</span>', html)


def test_icon_buttons_are_spaced(client, users):
    client.force_login(users["sysadmin"])
    html = client.get(model_url(Organization, "list")).content.decode()
    assert '<i class="ti ti-upload me-1"></i>' in html or '<i class="ti ti-plus me-1"></i>' in html
    assert not re.search(r'<i class="ti ti-[\w-]+"></i> ?[\u4e00-\u9fff]', html)
