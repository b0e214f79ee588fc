"""Collection API: upsert by key with reconciliation of two sources; versions with diffs; restore; lifecycle;
run status; warranty reminders."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from egov_cmdb.models import CI, CIVersion, SourcePriority, WarrantyReminder
from egov_cmdb.services import (
    ci_restore_version,
    ci_set_status,
    ci_transition,
    ci_update,
    ci_upsert,
)


def test_upsert_creates_then_updates_then_unchanged(cmdb_ref, orgs):
    vm = cmdb_ref["classes"]["vm"]
    data = {"name": "不动产登记-应用-01", "organization": orgs["centre"].code, "intranet_ip": "10.20.1.11",
            "os": "麒麟 V10"}
    ci, action = ci_upsert(source="monitoring", ci_class=vm, key="VM-BDC-APP-01", data=data)
    assert action == "created" and ci.code == "VM-BDC-APP-01" and ci.source == "monitoring"
    ci2, action = ci_upsert(source="monitoring", ci_class=vm, key="VM-BDC-APP-01", data=data)
    assert action == "unchanged" and ci2.pk == ci.pk and ci2.version == 1
    _ci, action = ci_upsert(source="monitoring", ci_class=vm, key="VM-BDC-APP-01", data={"os": "麒麟 V10 SP3"})
    assert action == "updated"
    assert CI.objects.filter(code="VM-BDC-APP-01").count() == 1


def test_upsert_by_unique_attribute(cmdb_ref, orgs):
    server = cmdb_ref["classes"]["server"]
    ci, action = ci_upsert(source="monitoring", ci_class=server, key={"serial_no": "2102311QGK"},
                           data={"name": "数据库服务器 01", "organization": orgs["centre"].pk, "os": "CentOS 7"})
    assert action == "created" and ci.attrs["serial_no"] == "2102311QGK"
    again, action = ci_upsert(source="monitoring", ci_class=server, key={"serial_no": "2102311qgk"},
                              data={"os": "openEuler 22.03"})
    assert again.pk == ci.pk and action == "updated" and again.attrs["os"] == "openEuler 22.03"


def test_reconciliation_of_two_sources(cmdb_ref, orgs):
    """cloud_api (70) beats monitoring (60) for every attribute; a rule gives monitoring priority for the OS only;
    manual edits (100) win over both."""
    vm = cmdb_ref["classes"]["vm"]
    SourcePriority.objects.create(ci_class=vm, attribute="os", source="monitoring", priority=80)
    ci, _a = ci_upsert(source="monitoring", ci_class=vm, key="VM-RYB-01",
                       data={"name": "蓉易办-前置机", "organization": orgs["centre"].pk, "os": "麒麟 V10",
                             "intranet_ip": "10.1.1.1", "config": "4C8G"})
    ci, _a = ci_upsert(source="cloud_api", ci_class=vm, key="VM-RYB-01",
                       data={"os": "Kylin Server", "intranet_ip": "10.1.1.2", "config": "8C16G"})
    assert ci.attrs["os"] == "麒麟 V10"          # monitoring 80 > cloud_api 70 for os
    assert ci.attrs["intranet_ip"] == "10.1.1.2"  # cloud_api wins the rest (and 110 for vm.intranet_ip)
    assert ci.attrs["config"] == "8C16G"
    assert ci.attr_sources["config"] == "cloud_api" and ci.attr_sources["os"] == "monitoring"
    ci, action = ci_upsert(source="monitoring", ci_class=vm, key="VM-RYB-01",
                           data={"intranet_ip": "10.9.9.9", "config": "2C4G", "os": "麒麟 V10 SP1"})
    assert action == "updated"
    assert ci.attrs["intranet_ip"] == "10.1.1.2" and ci.attrs["config"] == "8C16G"  # lower priority: ignored
    assert ci.attrs["os"] == "麒麟 V10 SP1"
    v = ci.versions.first()
    assert v.source == "monitoring" and set(v.diff) == {"os"}
    ci_update(user=None, ci=ci, data={"config": "16C32G"})  # a human edit
    ci, action = ci_upsert(source="cloud_api", ci_class=vm, key="VM-RYB-01", data={"config": "8C16G"})
    assert action == "unchanged" and ci.attrs["config"] == "16C32G"


@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_never_duplicate(cmdb_ref, orgs):
    vm = cmdb_ref["classes"]["vm"]
    barrier = threading.Barrier(3)
    results = []

    def run(ip):
        try:
            barrier.wait(timeout=10)
            results.append(ci_upsert(source="cloud_api", ci_class=vm, key={"intranet_ip": "10.8.8.8"},
                                     data={"name": "天府健康通-API", "organization": orgs["centre"].pk,
                                           "config": ip}))
        except Exception as exc:  # noqa: BLE001
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"{n}C", )) for n in (2, 4, 8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(a for _c, a in results)[0] == "created"
    assert CI.objects.filter(attrs__contains={"intranet_ip": "10.8.8.8"}).count() == 1


def test_versions_diffs_and_restore(make_ci, users):
    ops = users["ops"]
    ci = make_ci("server", "政务外网 DNS 服务器", os="CentOS 7", cpu_cores=16)
    ci_update(user=ops, ci=ci, data={"os": "openEuler 22.03", "cpu_cores": 32, "name": "政务外网 DNS 主"})
    ci_update(user=ops, ci=ci, data={"cpu_cores": None})
    versions = list(CIVersion.objects.filter(ci=ci).order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[1].diff == {"name": ["政务外网 DNS 服务器", "政务外网 DNS 主"], "os": ["CentOS 7", "openEuler 22.03"],
                                "cpu_cores": [16, 32]}
    assert versions[1].user == ops and versions[1].source == "manual"
    assert versions[2].diff == {"cpu_cores": [32, None]}
    ci_restore_version(user=ops, ci=ci, version=1)
    ci.refresh_from_db()
    assert ci.version == 4 and ci.name == "政务外网 DNS 服务器"
    assert ci.attrs == {"os": "CentOS 7", "cpu_cores": 16}
    last = ci.versions.first()
    assert last.action == "restore" and "版本 1" in last.comment
    assert set(last.diff) == {"name", "os", "cpu_cores"}
    with pytest.raises(ValidationError):
        ci_restore_version(user=ops, ci=ci, version=99)


def test_update_without_change_writes_no_version(make_ci):
    ci = make_ci("server", os="CentOS 7")
    ci_update(user=None, ci=ci, data={"os": "CentOS 7"})
    assert ci.versions.count() == 1


def test_lifecycle_transitions_logged(make_ci, users):
    from egov_base.workflow.models import ProcessLog

    ci = make_ci("server", org="centre")
    ops = users["ops"]
    ci_transition(user=ops, ci=ci, name="start_maintenance", comment="更换电源模块")
    assert ci.lifecycle == "maintenance"
    ci_transition(user=ops, ci=ci, name="end_maintenance")
    ci_transition(user=ops, ci=ci, name="retire", comment="到期下线")
    ci.refresh_from_db()
    assert ci.lifecycle == "retired"
    logs = ProcessLog.objects.filter(object_id=str(ci.pk)).order_by("pk")
    assert [(lg.from_state, lg.to_state) for lg in logs] == [("running", "maintenance"), ("maintenance", "running"),
                                                             ("running", "retired")]
    assert logs[0].comment == "更换电源模块"
    assert ci.versions.first().diff == {"lifecycle": ["running", "retired"]}
    from egov_base.workflow import TransitionError

    with pytest.raises(TransitionError):
        ci_transition(user=ops, ci=ci, name="start_maintenance")
    with pytest.raises(PermissionDenied):
        ci_transition(user=users["dept_user"], ci=make_ci("server", org="jinjiang"), name="retire")


def test_status_change_versioned(make_ci, users):
    ci = make_ci("network_device", "核心交换机 CS-01")
    ci_set_status(user=users["ops"], ci=ci, status="faulty", reason="板卡故障")
    ci.refresh_from_db()
    assert ci.status == "faulty"
    v = ci.versions.first()
    assert v.diff == {"status": ["normal", "faulty"]} and v.comment == "板卡故障"
    with pytest.raises(ValidationError):
        ci_set_status(user=users["ops"], ci=ci, status="broken")


def test_warranty_reminders_once(make_ci, users):
    from egov_base.notify.models import Message
    from egov_cmdb.services.reminders import send_warranty_reminders

    today = dt.date(2026, 11, 25)
    owner = users["ops"]
    soon = make_ci("storage", "华为 OceanStor 存储", owner=owner, warranty_until="2026-12-20")
    make_ci("server", owner=owner, warranty_until="2027-12-31")  # far away
    retired = make_ci("server", owner=owner, warranty_until="2026-12-01")
    CI.objects.filter(pk=retired.pk).update(lifecycle="retired")
    assert send_warranty_reminders(today=today) == 1
    assert send_warranty_reminders(today=today) == 0  # idempotent
    assert WarrantyReminder.objects.get().ci == soon and WarrantyReminder.objects.get().days_before == 30
    msg = Message.objects.filter(recipient=owner).order_by("-pk").first()
    assert msg is not None and "华为 OceanStor 存储" in (msg.title + msg.body)


def test_create_in_a_given_lifecycle_state(cmdb_ref, orgs):
    from egov_cmdb.services import ci_create

    ci = ci_create(user=None, ci_class=cmdb_ref["classes"]["server"], lifecycle="in_stock",
                   data={"name": "备件服务器 01", "organization": orgs["centre"].pk})
    assert CI.objects.get(pk=ci.pk).lifecycle == "in_stock"
    with pytest.raises(ValidationError):
        ci_create(user=None, ci_class=cmdb_ref["classes"]["server"], lifecycle="flying",
                  data={"name": "备件服务器 02", "organization": orgs["centre"].pk})


def test_a_long_transaction_holds_a_bounded_number_of_key_locks(cmdb_ref, orgs):
    """5,000 upserts in one transaction (an import) must not take 10,000 advisory locks (shared lock table)."""
    from django.db import transaction

    from egov_cmdb.services import ci as ci_services

    with transaction.atomic():
        for i in range(5000):
            ci_services._advisory_lock("cmdb-ci-code", f"VM-{i:05d}")
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            held = cur.fetchone()[0]
    assert held <= ci_services._LOCK_BUCKETS
