"""Fixtures of the CMDB tests: the shipped reference data and a CI factory (through the services)."""

import itertools

import pytest

_seq = itertools.count(1)


@pytest.fixture
def cmdb_ref(db):
    """The shipped classes, attributes, relation types, dictionaries and source priorities (idempotent)."""
    from egov_cmdb.services.reference import sync_reference_data

    sync_reference_data()
    from egov_cmdb.models import CIClass, RelationType

    return {"classes": {c.code: c for c in CIClass.objects.all()},
            "rel": {r.code: r for r in RelationType.objects.all()}}


@pytest.fixture
def make_ci(cmdb_ref, orgs):
    """``make_ci("server", "应用服务器 01", org="jinjiang", serial_no="SN1", ...)`` → CI (system call)."""
    from egov_cmdb.services import ci_create

    def _make(cls_code, name=None, org="centre", code=None, owner=None, **attrs):
        n = next(_seq)
        data = {"name": name or f"测试配置项{n}", "organization": orgs[org].pk if isinstance(org, str) else org.pk,
                "attrs": attrs}
        if code:
            data["code"] = code
        if owner is not None:
            data["owner"] = owner.pk
        return ci_create(user=None, ci_class=cmdb_ref["classes"][cls_code], data=data)

    return _make


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The root ``users`` fixture hashes ten passwords per test; PBKDF2 at production cost dominated setup time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rel(cmdb_ref):
    """rel(type_code, source, target): a relation written directly (no service checks) for graph tests."""
    from egov_cmdb.models import Relation

    def _rel(code, source, target):
        rt = cmdb_ref["rel"][code]
        return Relation.objects.create(type=rt, source=source, target=target, cardinality=rt.cardinality)

    return _rel
