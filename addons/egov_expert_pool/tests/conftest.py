"""Fixtures of the expert pool tests: dictionaries, an expert factory, an expert administrator, activities."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from egov_base.validators import id_card_checksum
from tests.peers.fixtures import http_peer, http_peer_factory  # noqa: F401 - shared peers

_seq = itertools.count(1)


def make_id_card(n: int) -> str:
    first17 = f"5101041980{(n % 12) + 1:02d}{(n % 27) + 1:02d}{n % 1000:03d}"
    return first17 + id_card_checksum(first17)


@pytest.fixture
def dicts(db):
    from egov_expert_pool.data import ensure_dicts

    ensure_dicts()


@pytest.fixture
def make_expert(dicts):
    from egov_expert_pool.models import Expert

    def _make(name=None, specialties=("security",), status="active", employer="四川大学", past=(), tags=(),
              expert_type="tech", title="vice", score=None, **kw):
        n = next(_seq)
        e = Expert(name=name or f"专家{n}", specialties=list(specialties), employer=employer,
                   past_employers=list(past), tags=list(tags), expert_type=expert_type, title=title,
                   phone=f"+86139{n:08d}", id_card=make_id_card(n), certificate_no=f"CDZJ-T{n:05d}", score=score,
                   **kw)
        e.save()
        if status != "pending":
            type(e).objects.filter(pk=e.pk).update(status=status)
            e.refresh_from_db()
        return e

    return _make


@pytest.fixture
def expert_admin(make_user):
    return make_user("expert_admin", "expert_admin", "centre")


@pytest.fixture
def reviewer(users):
    return users["reviewer"]


@pytest.fixture
def future_date():
    return timezone.localdate() + dt.timedelta(days=7)


@pytest.fixture
def make_activity(reviewer, future_date, orgs):
    from egov_expert_pool import services

    def _make(demands=None, rules=None, items=None, date=None, half_day="am", user=None, region=None, **kw):
        return services.activity_create(
            user=user or reviewer,
            data={"title": kw.get("title", "成都市政务云扩容项目技术方案评审"), "date": date or future_date,
                  "half_day": half_day, "place": "成都市大数据中心 3 楼会议室",
                  "organization": kw.get("organization", orgs["centre"]), "region": region, "rules": rules or {}},
            items=items or [{"title": "政务云扩容项目", "applicant_org": orgs["city"], "applicant_name": orgs["city"].name,
                             "bidders": ["成都天府软件有限公司"]}],
            demands=demands or [{"specialty": "security", "count": 2}],
            source_key=kw.get("source_key", ""),
        )

    return _make


@pytest.fixture
def run_commit(django_capture_on_commit_callbacks):
    """Run a callable and the on-commit callbacks it (and they) register."""

    def _run(fn, *a, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*a, **kw)

    return _run
