"""Relation cardinality: each rule sequentially, and under concurrent inserts (two transactions racing in threads
must not both succeed — through the service's row locks, and through the partial unique indexes alone)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from egov_cmdb.models import CI, Relation, RelationType
from egov_cmdb.services import relation_create, relation_delete, relation_type_save


def _type(code, cardinality, **kw):
    return RelationType.objects.create(code=code, name=f"测试{code}", reverse_name=f"反向{code}",
                                       cardinality=cardinality, **kw)


def test_n_n_allows_many_and_is_idempotent(make_ci):
    t = _type("t_nn", "n_n")
    a, b, c = make_ci("server"), make_ci("server"), make_ci("server")
    r1 = relation_create(user=None, type=t, source=a, target=b)
    assert relation_create(user=None, type=t, source=a, target=b).pk == r1.pk  # double click: no duplicate
    relation_create(user=None, type=t, source=a, target=c)
    relation_create(user=None, type=t, source=c, target=b)
    assert Relation.objects.filter(type=t).count() == 3


def test_one_n_target_has_one_source(make_ci):
    t = _type("t_1n", "one_n")
    rack, rack2, unit = make_ci("rack", "A01 机柜"), make_ci("rack", "A02 机柜"), make_ci("rack_unit", "U10-U12")
    relation_create(user=None, type=t, source=rack, target=unit)
    relation_create(user=None, type=t, source=rack, target=make_ci("rack_unit"))  # a source may have many targets
    with pytest.raises(ValidationError) as e:
        relation_create(user=None, type=t, source=rack2, target=unit)
    msg = e.value.messages[0]
    assert "A01 机柜" in msg and "U10-U12" in msg and rack.code in msg and "1-N" in msg


def test_n_one_source_has_one_target(make_ci):
    t = _type("t_n1", "n_one")
    vm, hv1, hv2 = make_ci("vm", "税务申报 VM01"), make_ci("hypervisor", "ESXi-01"), make_ci("hypervisor", "ESXi-02")
    relation_create(user=None, type=t, source=vm, target=hv1)
    relation_create(user=None, type=t, source=make_ci("vm"), target=hv1)  # a target may have many sources
    with pytest.raises(ValidationError) as e:
        relation_create(user=None, type=t, source=vm, target=hv2)
    assert "ESXi-01" in e.value.messages[0] and "税务申报 VM01" in e.value.messages[0]


def test_one_one_both_sides(make_ci):
    t = _type("t_11", "one_one")
    a, b, c, d = (make_ci("server", n) for n in ("甲", "乙", "丙", "丁"))
    relation_create(user=None, type=t, source=a, target=b)
    with pytest.raises(ValidationError, match="甲"):
        relation_create(user=None, type=t, source=c, target=b)
    with pytest.raises(ValidationError, match="乙"):
        relation_create(user=None, type=t, source=a, target=d)
    relation_create(user=None, type=t, source=c, target=d)


def test_allowed_classes_and_self(make_ci, cmdb_ref):
    uplink = cmdb_ref["rel"]["uplink"]  # device -> network_device
    srv, sw, db = make_ci("server"), make_ci("network_device"), make_ci("database")
    relation_create(user=None, type=uplink, source=srv, target=sw)
    with pytest.raises(ValidationError, match="网络设备"):
        relation_create(user=None, type=uplink, source=srv, target=db)
    with pytest.raises(ValidationError, match="设备"):
        relation_create(user=None, type=uplink, source=db, target=sw)
    with pytest.raises(ValidationError):
        relation_create(user=None, type=uplink, source=sw, target=sw)


def test_delete_and_history(make_ci):
    t = _type("t_del", "one_one")
    a, b = make_ci("server"), make_ci("server")
    rel = relation_create(user=None, type=t, source=a, target=b)
    relation_delete(user=None, relation=rel)
    relation_delete(user=None, relation=rel)  # second click: nothing happens
    a.refresh_from_db()
    assert a.version == 3  # created, relation added, relation removed
    assert list(a.versions.values_list("action", flat=True)) == ["relation", "relation", "create"]
    relation_create(user=None, type=t, source=make_ci("server"), target=b)  # the slot is free again


def test_cardinality_change_checks_existing_relations(make_ci):
    from django import forms

    t = _type("t_chg", "n_n")
    a, b, c = make_ci("server"), make_ci("server"), make_ci("server")
    relation_create(user=None, type=t, source=a, target=c)
    relation_create(user=None, type=t, source=b, target=c)

    class F(forms.ModelForm):
        class Meta:
            model = RelationType
            fields = ["code", "name", "reverse_name", "cardinality"]

    form = F(data={"code": t.code, "name": t.name, "reverse_name": t.reverse_name, "cardinality": "one_n"},
             instance=t)
    assert form.is_valid()
    with pytest.raises(ValidationError):
        with transaction.atomic():
            relation_type_save(user=None, form=form)
    assert RelationType.objects.get(pk=t.pk).cardinality == "n_n"
    form = F(data={"code": t.code, "name": t.name, "reverse_name": t.reverse_name, "cardinality": "n_one"},
             instance=RelationType.objects.get(pk=t.pk))
    assert form.is_valid()
    relation_type_save(user=None, form=form)
    assert set(Relation.objects.filter(type=t).values_list("cardinality", flat=True)) == {"n_one"}


# ------------------------------------------------------------------ concurrent inserts
def _race(funcs):
    """Run the callables at the same moment in threads; return their results (or exceptions)."""
    barrier = threading.Barrier(len(funcs))
    results = [None] * len(funcs)

    def run(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(funcs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    return results


RACES = {
    # cardinality: (pairs as (source index, target index)) that two transactions try at the same time
    "one_n": [(0, 2), (1, 2)],      # two sources for one target
    "n_one": [(0, 1), (0, 2)],      # two targets for one source
    "one_one": [(0, 2), (1, 2)],
}


def _service_attempt(t, cis, s, tg):
    def fn():
        import time

        with transaction.atomic():
            rel = relation_create(user=None, type=RelationType.objects.get(pk=t.pk),
                                  source=CI.objects.get(pk=cis[s].pk), target=CI.objects.get(pk=cis[tg].pk))
            time.sleep(0.3)  # hold the transaction open: the other one must wait, then re-check
            return rel
    return fn


def _raw_attempt(t, cis, s, tg):
    def fn():
        import time

        with transaction.atomic():
            rel = Relation.objects.create(type_id=t.pk, source_id=cis[s].pk, target_id=cis[tg].pk,
                                          cardinality=t.cardinality)
            time.sleep(0.3)
            return rel
    return fn


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_never_break_cardinality(make_ci):
    """For each rule, two transactions racing through the service: exactly one wins, the other gets the message
    naming the existing relation. Then the same race with raw inserts (no service lock): the partial unique
    indexes refuse one of them. Finally two identical N-N inserts create one relation."""
    for cardinality, ((s1, t1), (s2, t2)) in RACES.items():
        t = _type(f"race_{cardinality}", cardinality)
        cis = [make_ci("server", f"并发{cardinality}{i}") for i in range(3)]
        results = _race([_service_attempt(t, cis, s1, t1), _service_attempt(t, cis, s2, t2)])
        ok = [r for r in results if isinstance(r, Relation)]
        errors = [r for r in results if isinstance(r, ValidationError)]
        assert len(ok) == 1 and len(errors) == 1, (cardinality, results)
        assert "违反基数约束" in errors[0].messages[0] and "并发" in errors[0].messages[0]
        assert Relation.objects.filter(type=t).count() == 1

        t = _type(f"idx_{cardinality}", cardinality)
        cis = [make_ci("server") for _ in range(3)]
        results = _race([_raw_attempt(t, cis, s1, t1), _raw_attempt(t, cis, s2, t2)])
        assert sum(isinstance(r, Relation) for r in results) == 1, (cardinality, results)
        assert sum(isinstance(r, IntegrityError) for r in results) == 1, (cardinality, results)
        assert Relation.objects.filter(type=t).count() == 1

    t = _type("race_nn", "n_n")
    a, b = make_ci("server"), make_ci("server")

    def same():
        return relation_create(user=None, type=RelationType.objects.get(pk=t.pk), source=CI.objects.get(pk=a.pk),
                               target=CI.objects.get(pk=b.pk))

    results = _race([same, same])
    assert all(isinstance(r, Relation) for r in results), results
    assert Relation.objects.filter(type=t).count() == 1
