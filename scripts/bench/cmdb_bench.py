#!/usr/bin/env python
"""CMDB benchmark at city scale: 100,000 CIs and 300,000 relations (COPY) in their own database
(``egov_bench_cmdb``), then the p95 of

* filtered CI list by a custom attribute (HTTP, load driver, gunicorn),
* CI detail with its relations (HTTP),
* topology page of a business system (HTTP) and the topology graph query (in-process),
* impact analysis from a core switch (in-process; target ≤ 200 ms),
* a 10,000-row Excel import through CMDB-core's import service (rows/s; then the same file again: upsert,
  nothing duplicated).

    .venv/bin/python scripts/bench/cmdb_bench.py                 # generate if missing, then measure
    .venv/bin/python scripts/bench/cmdb_bench.py --reset         # regenerate the CMDB rows
    .venv/bin/python scripts/bench/cmdb_bench.py --no-http       # in-process figures only
    .venv/bin/python scripts/bench/cmdb_bench.py --clients 20 --requests 400

Shape of the generated data centre (the DESIGN's numbers): 40 machine rooms, 705 racks (2 PDUs each), 115 core
and 480 access switches, 8,000 servers, 6,000 hypervisors in 500 clusters, 200 storage arrays, 30,000 VMs, 3,000
databases, 6,000 middleware, 3,000 WEB services, 1,400 business systems, the rest NICs. Dependencies: system →
database / middleware / WEB → VM → hypervisor → server → 2 access switches → 2 core switches; VM → storage;
server → PDU, rack; systems call other systems. Cabling (NIC ↔ switch, non-dependency) tops up to 300,000.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("EGOV_ADDONS", "egov_cmdb")
import _env  # noqa: E402

DB = os.environ.get("EGOV_BENCH_CMDB_DB", "egov_bench_cmdb")
GEN_SOURCE = "bench"
PLAN = [  # class code, count, code prefix, organisation pool ("infra" | "net" | "dept")
    ("machine_room", 40, "BR", "net"), ("rack", 705, "BK", "net"), ("power_link", 1410, "BP", "net"),
    ("network_device", 115, "BC", "net"),      # core switches
    ("network_device", 480, "BA", "net"),      # access switches
    ("server", 8000, "BS", "infra"), ("cluster", 500, "BL", "infra"), ("hypervisor", 6000, "BH", "infra"),
    ("storage", 200, "BT", "infra"), ("vm", 30000, "BV", "dept"), ("database", 3000, "BD", "dept"),
    ("middleware", 6000, "BM", "dept"), ("web_service", 3000, "BW", "dept"), ("business_system", 1400, "BB", "dept"),
]
TOTAL_CIS = 100_000
TOTAL_RELATIONS = 300_000
OS = ["麒麟 V10 SP2", "统信 UOS 20", "openEuler 22.03 LTS", "CentOS 7.9", "Windows Server 2019"]
VENDORS = ["华为", "浪潮", "新华三", "中兴", "曙光", "联想"]


# ---------------------------------------------------------------------------------------------------------------
# data generation (COPY)
# ---------------------------------------------------------------------------------------------------------------

def _copy(cur, table: str, cols: list[str], rows) -> int:
    n = 0
    with cur.copy(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def generate(reset: bool) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from egov_base.org import demo as org_demo
    from egov_base.org.models import Organization
    from egov_cmdb.models import CI, AttributeDef, CIClass, Relation, RelationType
    from egov_cmdb.services.reference import sync_reference_data

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    org_demo.load_organizations()
    org_demo.load_users()
    sync_reference_data()
    vm = CIClass.objects.get(code="vm")
    AttributeDef.objects.get_or_create(ci_class=vm, code="biz_tag", defaults={
        "name": "业务标签", "group": "custom", "type": "text", "indexed": True, "list_display": True})
    if reset:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM egov_cmdb_relation WHERE source_tag = %s", [GEN_SOURCE])
            cur.execute("DELETE FROM egov_cmdb_civersion WHERE ci_id IN (SELECT id FROM egov_cmdb_ci WHERE source = %s)",
                        [GEN_SOURCE])
            cur.execute("DELETE FROM egov_cmdb_ci WHERE source = %s", [GEN_SOURCE])
    have = CI.objects.filter(source=GEN_SOURCE).count()
    if have >= TOTAL_CIS - 1000:
        return {"cis": have, "relations": Relation.objects.filter(source_tag=GEN_SOURCE).count(), "generated": False,
                "seconds": round(time.monotonic() - t0, 1)}

    rng = random.Random(20261125)
    cls = {c.code: c.pk for c in CIClass.objects.all()}
    rt = {t.code: (t.pk, t.cardinality) for t in RelationType.objects.all()}
    centre = list(Organization.objects.filter(code__startswith="CD-DSJ-").values_list("pk", flat=True))
    net_org = Organization.objects.get(code="CD-DSJ-WL").pk
    infra_org = Organization.objects.get(code="CD-DSJ-ZWY").pk
    depts = list(Organization.objects.exclude(pk__in=centre).values_list("pk", flat=True))
    start_id = (CI.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = "2026-11-25 08:00:00+08"
    ids: dict[str, list[int]] = {}
    plan = list(PLAN)
    planned = sum(n for _c, n, _p, _o in plan)
    plan.append(("nic", TOTAL_CIS - planned, "BN", "infra"))

    def ci_rows():
        pk = start_id
        for code, count, prefix, pool in plan:
            bucket = ids.setdefault(prefix, [])
            for i in range(count):
                org = net_org if pool == "net" else infra_org if pool == "infra" else rng.choice(depts)
                attrs: dict = {}
                name = f"{prefix}-{i:06d}"
                if prefix == "BC":
                    attrs = {"net_role": "core", "vendor": rng.choice(VENDORS[:3]), "device_type": "核心交换机"}
                    name = f"核心交换机 {i:03d}"
                elif prefix == "BA":
                    attrs = {"net_role": "access", "vendor": rng.choice(VENDORS[:3]), "device_type": "接入交换机"}
                    name = f"接入交换机 {i:03d}"
                elif prefix == "BS":
                    attrs = {"vendor": rng.choice(VENDORS), "cpu_cores": 64, "memory_gb": 512, "os": rng.choice(OS)}
                    name = f"服务器 {i:05d}"
                elif prefix == "BV":
                    attrs = {"os": rng.choice(OS), "intranet_ip": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                             "cpu_cores": rng.choice([4, 8, 16]), "memory_gb": rng.choice([8, 16, 32, 64]),
                             "biz_tag": f"T{i % 500:04d}", "cloud": f"egov_cloud_{1 + i % 3}"}
                    name = f"虚拟机 {i:05d}"
                elif prefix == "BB":
                    attrs = {"importance": rng.choice(["core", "important", "general"]), "system_level": "3"}
                    name = f"业务系统 {i:04d}"
                elif prefix == "BD":
                    attrs = {"db_type": rng.choice(["达梦", "人大金仓", "Oracle", "MySQL"])}
                elif prefix == "BH":
                    attrs = {"hv_type": rng.choice(["FusionCompute", "InCloud Sphere", "H3C CAS"])}
                month = rng.randrange(24)
                created = f"{2024 + (month + 11) // 12}-{(month + 11) % 12 + 1:02d}-15 08:00:00+08"
                status = "faulty" if rng.random() < 0.002 else "warning" if rng.random() < 0.01 else \
                    "offline" if rng.random() < 0.02 else "normal"
                yield (pk, cls[code], f"{prefix}-{i:06d}", name, org, "running", status, json.dumps(attrs, ensure_ascii=False),
                       "{}", GEN_SOURCE, 1, "", created if code != "machine_room" else now, now)
                bucket.append(pk)
                pk += 1

    with transaction.atomic(), connection.cursor() as cur:
        n_ci = _copy(cur.cursor, CI._meta.db_table,
                     ["id", "ci_class_id", "code", "name", "organization_id", "lifecycle", "status", "attrs",
                      "attr_sources", "source", "version", "description", "created_at", "updated_at"], ci_rows())
        cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM egov_cmdb_ci))",
                    [CI._meta.db_table])

    seen: set[tuple[int, int, int]] = set()
    rels: list[tuple] = []

    def rel(code, s, t):
        type_id, card = rt[code]
        key = (type_id, s, t)
        if key not in seen and s != t:
            seen.add(key)
            rels.append((type_id, s, t, card, GEN_SOURCE, "", now, now))

    room, rack, pdu = ids["BR"], ids["BK"], ids["BP"]
    core, acc, srv, clu, hv = ids["BC"], ids["BA"], ids["BS"], ids["BL"], ids["BH"]
    sto, vms, dbs, mws, webs, bss, nics = ids["BT"], ids["BV"], ids["BD"], ids["BM"], ids["BW"], ids["BB"], ids["BN"]
    for i, r in enumerate(rack):
        rel("belongs_to", r, room[i % len(room)])
        for p in (pdu[2 * i], pdu[2 * i + 1]):
            rel("installed_in", p, r)
    room_cores = {k: [c for j, c in enumerate(core) if j % len(room) == k] for k in range(len(room))}
    for i, a in enumerate(acc):
        for c in room_cores[i % len(room)][:2]:
            rel("uplink", a, c)
    for i, s in enumerate(srv):
        r = i % len(rack)
        rel("installed_in", s, rack[r])
        rel("powered_by", s, pdu[2 * r])
        rel("powered_by", s, pdu[2 * r + 1])
        room_idx = r % len(room)
        local_acc = [a for j, a in enumerate(acc[room_idx::len(room)])][:12] or acc
        a1 = local_acc[i % len(local_acc)]
        rel("uplink", s, a1)
        rel("uplink", s, local_acc[(i + 1) % len(local_acc)])
    for i, h in enumerate(hv):
        rel("runs_on", h, srv[i])
        rel("composed_of", clu[i // 12 % len(clu)], h)
    for i, v in enumerate(vms):
        rel("runs_on", v, hv[rng.randrange(len(hv))])
        rel("stored_on", v, sto[i % len(sto)])
    for d in dbs:
        rel("runs_on", d, vms[rng.randrange(len(vms))])
    for m in mws:
        rel("runs_on", m, vms[rng.randrange(len(vms))])
    for w in webs:
        rel("runs_on", w, vms[rng.randrange(len(vms))])
    for i, b in enumerate(bss):
        for d in rng.sample(dbs, 2):
            rel("depends_on", b, d)
        for m in rng.sample(mws, 4):
            rel("depends_on", b, m)
        for w in rng.sample(webs, 2):
            rel("depends_on", b, w)
        if i > 20:
            rel("depends_on", b, bss[rng.randrange(20)])  # the shared platforms (identity, exchange …)
    hosts = srv + vms
    for i, n in enumerate(nics):
        rel("belongs_to", n, hosts[i % len(hosts)])
    while len(rels) < TOTAL_RELATIONS:
        rel("connects", nics[rng.randrange(len(nics))], acc[rng.randrange(len(acc))])
    with transaction.atomic(), connection.cursor() as cur:
        n_rel = _copy(cur.cursor, Relation._meta.db_table,
                      ["type_id", "source_id", "target_id", "cardinality", "source_tag", "description", "created_at",
                       "updated_at"], rels)
        cur.execute("ANALYZE egov_cmdb_ci")
        cur.execute("ANALYZE egov_cmdb_relation")
    return {"cis": n_ci, "relations": n_rel, "generated": True, "seconds": round(time.monotonic() - t0, 1)}


# ---------------------------------------------------------------------------------------------------------------
# in-process measurements
# ---------------------------------------------------------------------------------------------------------------

def timed(fn, items, repeat=1):
    samples = []
    out = None
    for _r in range(repeat):
        for it in items:
            t = time.perf_counter()
            out = fn(it)
            samples.append(time.perf_counter() - t)
    return samples, out


def measure_in_process(import_rows: int, chunk: int, report) -> list[tuple[str, dict, str]]:
    from _load import percentiles

    from egov_base.context import acting_as
    from egov_base.org.models import User
    from egov_cmdb.models import CI, CIClass, CIImportJob
    from egov_cmdb.services.impact import impact_of, topology_graph
    from egov_cmdb.services.importer import import_run, import_upload

    results = []
    cores = list(CI.objects.filter(code__startswith="BC-").values_list("pk", flat=True))
    impact_of(cores[:1])  # warm-up (class ids, relation types)
    sizes = []

    def one_impact(pk):
        r = impact_of([pk])
        sizes.append((r.impacted_count, len(r.systems)))
        return r

    samples, _ = timed(one_impact, cores, repeat=2)
    avg_imp = sum(s[0] for s in sizes) / len(sizes)
    avg_sys = sum(s[1] for s in sizes) / len(sizes)
    results.append(("impact from a core switch", percentiles(samples),
                    f"{len(cores)} core switches x2; avg {avg_imp:.0f} impacted CIs, {avg_sys:.0f} business systems "
                    f"with paths"))
    report(results[-1])
    ops = User.objects.get(username="ops")
    city = User.objects.get(username="city_admin")  # city scope: sees the centre's switches, city systems only
    samples, _ = timed(lambda pk: impact_of([pk], user=city), cores[:40])
    results.append(("impact, city admin (scoped)", percentiles(samples), "40 core switches, city_admin"))
    report(results[-1])

    bss = list(CI.objects.filter(code__startswith="BB-").values_list("pk", flat=True)[:300])
    node_counts = []

    def one_topo(pk):
        g = topology_graph(root_ids=[pk], user=ops, direction="down", max_depth=6)
        node_counts.append(len(g["nodes"]))
        return g

    samples, _ = timed(one_topo, bss)
    results.append(("topology of a business system", percentiles(samples),
                    f"{len(bss)} systems, depth 6, avg {sum(node_counts) / len(node_counts):.0f} nodes, with overlay"))
    report(results[-1])

    if not import_rows:
        return results
    # 10,000-row Excel import through CMDB-core's import service. The service imports a file in one transaction
    # and takes two advisory locks per row: with PostgreSQL's default max_locks_per_transaction (64) a 10,000-row
    # file runs out of shared lock memory, so the rows go in files of ``chunk`` rows (all-or-nothing per file).
    import xlsxwriter

    def xlsx(first, count):
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True})
        ws = wb.add_worksheet("虚拟机")
        ws.write_row(0, 0, ["内部标识", "名称", "管理部门", "操作系统", "内网 IP", "业务标签"])
        for r, i in enumerate(range(first, first + count), start=1):
            ws.write_row(r, 0, [f"IMP-VM-{i:06d}", f"导入虚拟机 {i:05d}", "CD-DSJ-ZWY", OS[i % len(OS)],
                                f"172.16.{i // 250 % 250}.{i % 250 + 1}", f"T{i % 500:04d}"])
        wb.close()
        return buf.getvalue()

    chunk = min(chunk, import_rows)
    files = [xlsx(first, min(chunk, import_rows - first)) for first in range(0, import_rows, chunk)]
    vm = CIClass.objects.get(code="vm")
    mapping = {"0": "code", "1": "name", "2": "organization", "3": "os", "4": "intranet_ip", "5": "biz_tag"}
    for label in ("first import (creates)", "same files again (upsert)"):
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        t = time.perf_counter()
        for content in files:
            upload = io.BytesIO(content)
            upload.name = "bench-vms.xlsx"
            with acting_as(ops, source="bench"):
                job = import_upload(user=ops, ci_class=vm, upload=upload)
                job = import_run(user=ops, job=job, mapping=mapping, key_field="code", dry_run=False)
            assert job.status == CIImportJob.Status.DONE, job.errors[:5]
            for k in totals:
                totals[k] += getattr(job, k)
        dt = time.perf_counter() - t
        results.append((f"Excel import, {label}", {"n": import_rows, "rows_s": import_rows / dt, "seconds": dt},
                        f"{len(files)} files of {chunk} rows; created {totals['created']}, updated "
                        f"{totals['updated']}, unchanged {totals['unchanged']}"))
        report(results[-1])
    return results


def cleanup_import():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM egov_cmdb_attributeuniquevalue WHERE ci_id IN "
                    "(SELECT id FROM egov_cmdb_ci WHERE code LIKE 'IMP-VM-%%')")
        cur.execute("DELETE FROM egov_cmdb_civersion WHERE ci_id IN (SELECT id FROM egov_cmdb_ci WHERE code LIKE 'IMP-VM-%%')")
        cur.execute("DELETE FROM egov_cmdb_ci WHERE code LIKE 'IMP-VM-%%'")


# ---------------------------------------------------------------------------------------------------------------
# HTTP measurements
# ---------------------------------------------------------------------------------------------------------------

def measure_http(clients: int, requests_per: int, workers: int, threads: int) -> list[dict]:
    from _load import collectstatic, drive, login, start_gunicorn, stop_gunicorn

    from egov_cmdb.models import CI

    servers = list(CI.objects.filter(code__startswith="BS-").values_list("pk", flat=True)[:500])
    # systems of city-level organisations: visible to both ops (all) and city_admin (city scope)
    bss = list(CI.objects.filter(code__startswith="BB-", organization__district__isnull=True)
               .values_list("pk", flat=True)[:500])
    collectstatic(DB)
    proc = start_gunicorn(workers, threads, dbname=DB)
    try:
        cookies = {u: login(u) for u in ("ops", "city_admin")}
        results = [
            drive("CI list, custom attribute", lambda i: f"/cmdb/ci/class/vm/?c=biz_tag|eq|T{i % 500:04d}",
                  cookies, clients, requests_per, 120),
            drive("CI detail with relations", lambda i: f"/cmdb/ci/{servers[i % len(servers)]}/", cookies, clients,
                  requests_per, 120),
            drive("topology page (system)", lambda i: f"/cmdb/topology/ci/{bss[i % len(bss)]}/", cookies, clients,
                  requests_per, 120),
            drive("statistics overview", lambda i: "/cmdb/stats/", cookies, max(1, clients // 4), requests_per // 4,
                  120),
        ]
    finally:
        stop_gunicorn(proc)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="regenerate the generated CIs and relations")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="requests per HTTP scenario")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--import-chunk", type=int, default=1_000, help="rows per imported file")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--no-import", action="store_true", help="skip the Excel import")
    args = parser.parse_args()
    _env.ensure_database(DB)
    _env.setup_django(DB)
    gen = generate(args.reset)
    print(f"{DB}: {gen['cis']} generated CIs, {gen['relations']} generated relations "
          f"({'generated' if gen['generated'] else 'present'}, {gen['seconds']}s)")
    cleanup_import()
    from _load import print_results
    def report(row):
        name, r, note = row
        if "rows_s" in r:
            print(f"{name:<36} {r['n']:>6} {r['rows_s']:>8.0f} rows/s ({r['seconds']:.1f}s)  {note}", flush=True)
        else:
            print(f"{name:<36} {r['n']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f}  {note}", flush=True)

    print()
    print(f"In-process ({os.cpu_count()} CPUs, shared machine, load average {os.getloadavg()[0]:.1f}):")
    print(f"{'scenario':<36} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  note", flush=True)
    if not args.skip_in_process:
        measure_in_process(0 if args.no_import else args.import_rows, args.import_chunk, report)
        cleanup_import()
    if not args.no_http:
        results = measure_http(args.clients, args.requests, args.workers, args.threads)
        print_results(results, clients=args.clients, workers=args.workers, threads=args.threads,
                      note="100k CIs / 300k relations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
