#!/usr/bin/env python
"""Service catalog benchmark: 5,000 subscriptions and 50,000 service requests (bulk insert) on top of the demo
organisations/users and the demo catalog, in their own database (``egov_bench_sc``), then the p95 over HTTP
(gunicorn + the shared load driver) of

* catalog browse (portal catalog page, department user),
* request list (the centre's handling list, service desk; and the department's own list),
* the management dashboards (管理单位工作门户, analytics, 使用单位工作门户) — these read cached aggregates
  (Redis, 120 s), so a hit does not scan the 50,000 requests; the first hit per scope computes them.

plus the in-process cost of computing each aggregate cold (cache cleared).

    .venv/bin/python scripts/bench/service_catalog_bench.py                  # generate if missing, then measure
    .venv/bin/python scripts/bench/service_catalog_bench.py --reset          # regenerate the bench rows
    .venv/bin/python scripts/bench/service_catalog_bench.py --clients 100 --requests 2000
    .venv/bin/python scripts/bench/service_catalog_bench.py --no-http        # in-process figures only
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("EGOV_ADDONS", "egov_service_catalog")
import _env  # noqa: E402

DB = os.environ.get("EGOV_BENCH_SC_DB", "egov_bench_sc")
PREFIX_REQ, PREFIX_SUB = "SR-B-", "SUB-B-"
N_SUBS, N_REQS = 5_000, 50_000


def generate(reset: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from egov_base.context import acting_as
    from egov_base.org import demo as org_demo
    from egov_base.org.models import Organization
    from egov_base.org.roles import sync_roles
    from egov_service_catalog import demo as sc_demo
    from egov_service_catalog.models import ServiceItem, ServiceRequest, ServiceSpec, Subscription

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    org_demo.load_organizations()
    org_demo.load_users()
    sync_roles()
    User = get_user_model()
    admin = User.objects.filter(username="sysadmin").first()
    with acting_as(admin, source="demo"):
        sc_demo.load()  # the demo catalog (core) and the operations demo (pools, bills, vendors ...)
    if reset:
        with transaction.atomic():
            ServiceRequest.objects.filter(number__startswith=PREFIX_REQ).update(subscription=None)
            Subscription.objects.filter(number__startswith=PREFIX_SUB).delete()
            ServiceRequest.objects.filter(number__startswith=PREFIX_REQ).delete()
    have_r = ServiceRequest.objects.filter(number__startswith=PREFIX_REQ).count()
    have_s = Subscription.objects.filter(number__startswith=PREFIX_SUB).count()
    if have_r >= N_REQS and have_s >= N_SUBS:
        return {"requests": have_r, "subscriptions": have_s, "generated": False,
                "seconds": round(time.monotonic() - t0, 1)}

    rng = random.Random(20261125)
    items = list(ServiceItem.objects.filter(status="published").values_list("pk", "service_type"))
    specs: dict[int, list[int]] = {}
    for pk, item_id in ServiceSpec.objects.values_list("pk", "item_id"):
        specs.setdefault(item_id, []).append(pk)
    depts = list(Organization.objects.filter(kind__in=("city_dept", "district_dept", "public"))
                 .values_list("pk", flat=True))
    applicants: dict[int, int] = dict(User.objects.filter(organization_id__in=depts)
                                      .values_list("organization_id", "pk"))
    fallback = User.objects.get(username="dept_user").pk
    now = timezone.now()
    states = (["closed"] * 50 + ["delivered"] * 8 + ["in_progress"] * 14 + ["returned"] * 4 + ["rejected"] * 6
              + ["cancelled"] * 3 + ["draft"] * 5)
    reqs = []
    for i in range(have_r, N_REQS):
        item_id, _stype = rng.choice(items)
        org = rng.choice(depts)
        state = rng.choice(states)
        submitted = None if state == "draft" else now - dt.timedelta(days=rng.uniform(0, 540))
        delivered = submitted + dt.timedelta(hours=rng.uniform(4, 200)) if state in ("closed", "delivered") else None
        reqs.append(ServiceRequest(
            number=f"{PREFIX_REQ}{i:06d}", kind=rng.choice(["apply"] * 8 + ["change", "cancel"]), item_id=item_id,
            spec_id=rng.choice(specs[item_id]) if specs.get(item_id) else None, quantity=rng.randint(1, 8),
            title="业务系统扩容" if i % 3 else "新建业务系统上云", organization_id=org,
            applicant_id=applicants.get(org, fallback), state=state, submitted_at=submitted, delivered_at=delivered,
            closed_at=delivered + dt.timedelta(hours=rng.uniform(1, 72)) if state == "closed" else None,
            rating=rng.choice([3, 4, 4, 5, 5, 5]) if state == "closed" and rng.random() < 0.7 else None,
            overdue=state == "in_progress" and rng.random() < 0.15, idempotency_key=f"bench-{i}",
        ))
    subs = []
    for i in range(have_s, N_SUBS):
        item_id, _stype = rng.choice(items)
        subs.append(Subscription(
            number=f"{PREFIX_SUB}{i:06d}", organization_id=rng.choice(depts), item_id=item_id,
            spec_id=rng.choice(specs[item_id]) if specs.get(item_id) else None, quantity=rng.randint(1, 10),
            state=rng.choice(["running"] * 9 + ["terminated"]), started_at=now - dt.timedelta(days=rng.uniform(0, 900)),
        ))
    with transaction.atomic():
        ServiceRequest.objects.bulk_create(reqs, batch_size=2000)
        Subscription.objects.bulk_create(subs, batch_size=2000)
    with connection.cursor() as cur:
        for model in (ServiceRequest, Subscription):
            cur.execute(f'ANALYZE "{model._meta.db_table}"')
    return {"requests": ServiceRequest.objects.filter(number__startswith=PREFIX_REQ).count(),
            "subscriptions": Subscription.objects.filter(number__startswith=PREFIX_SUB).count(), "generated": True,
            "seconds": round(time.monotonic() - t0, 1)}


def measure_in_process() -> list[tuple[str, dict]]:
    """Cold (cache cleared per call) cost of the aggregates behind the dashboards."""
    from _load import percentiles
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.utils import timezone

    from egov_service_catalog.services import analytics as an

    User = get_user_model()
    head, dept = User.objects.get(username="dept_head"), User.objects.get(username="dept_user")
    today = timezone.localdate()
    out = []
    for name, fn in (
        ("panels (cold)", lambda: an.pool_panels(user=head)),
        ("analytics 90 days (cold)", lambda: an.analytics(user=head, start=today - dt.timedelta(days=89), end=today)),
        ("analytics 1 year (cold)", lambda: an.analytics(user=head, start=today - dt.timedelta(days=364), end=today)),
        ("department overview (cold)", lambda: an.department_overview(user=dept)),
    ):
        samples = []
        for _ in range(5):
            cache.delete_pattern("sc:*")
            t = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t)
        out.append((name, percentiles(samples)))
    cache.delete_pattern("sc:*")
    return out


def measure_pages(repeat: int = 20) -> list[tuple[str, dict]]:
    """Service time of one page rendered in-process (Django test client, warm cache, one at a time): what a
    request costs on this machine without queueing."""
    from _load import percentiles
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    clients = {}
    for name in ("dept_user", "service_desk", "dept_head"):
        c = Client()
        c.force_login(User.objects.get(username=name))
        clients[name] = c
    pages = [
        ("catalog browse (portal)", "dept_user", "/service-catalog/portal/"),
        ("request list (centre)", "service_desk", "/service-catalog/requests/"),
        ("request list (department)", "dept_user", "/service-catalog/portal/requests/"),
        ("管理单位工作门户", "dept_head", "/service-catalog/ops/dashboard/"),
        ("analytics (demo 6)", "dept_head", "/service-catalog/ops/analytics/"),
        ("使用单位工作门户", "dept_user", "/service-catalog/portal/workspace/"),
    ]
    out = []
    for label, user, url in pages:
        c = clients[user]
        c.get(url)  # warm the cache
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            resp = c.get(url)
            samples.append(time.perf_counter() - t)
            assert resp.status_code == 200, (url, resp.status_code)
        out.append((label, percentiles(samples)))
    return out


def measure_http(clients: int, requests_per: int, workers: int, threads: int) -> list[dict]:
    from _load import drive, login, start_gunicorn, stop_gunicorn

    proc = start_gunicorn(workers, threads, dbname=DB)
    try:
        desk = {u: login(u) for u in ("service_desk", "dept_head")}
        dept = {u: login(u) for u in ("dept_user", "city_user")}
        head = {"dept_head": desk["dept_head"]}
        types = ["", "cloud", "network", "hosting", "dr"]
        results = [
            drive("catalog browse (portal)", lambda i: "/service-catalog/portal/" + ("" if i % 3 else "?q=云"),
                  dept, clients, requests_per, 180),
            drive("request list (centre)", lambda i: f"/service-catalog/requests/?page={1 + i % 5}", desk, clients,
                  requests_per, 180),
            drive("request list (department)", lambda i: "/service-catalog/portal/requests/", dept, clients,
                  requests_per, 180),
            drive("管理单位工作门户", lambda i: f"/service-catalog/ops/dashboard/?type={types[i % 5] or 'cloud'}", head,
                  clients, requests_per, 180),
            drive("analytics (demo 6)", lambda i: f"/service-catalog/ops/analytics/?service_type={types[i % 5]}", head,
                  clients, requests_per, 180),
            drive("使用单位工作门户", lambda i: "/service-catalog/portal/workspace/", dept, clients, requests_per, 180),
        ]
    finally:
        stop_gunicorn(proc)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="regenerate the bench requests and subscriptions")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=1500, help="requests per HTTP scenario")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    _env.ensure_database(DB)
    from _load import collectstatic

    collectstatic(DB)  # DEBUG off: the pages need an up-to-date static manifest (before Django loads it)
    _env.setup_django(DB)
    gen = generate(args.reset)
    print(f"{DB}: {gen['requests']} requests, {gen['subscriptions']} subscriptions "
          f"({'generated' if gen['generated'] else 'present'}, {gen['seconds']}s)")
    rows = measure_in_process()
    print()
    print(f"In-process, cache cleared before each call ({os.cpu_count()} CPUs, shared machine):")
    print(f"{'aggregate':<32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for name, r in rows:
        print(f"{name:<32} {r['n']:>4} {r['p50']:>8.1f} {r['p95']:>8.1f}")
    print()
    print("In-process page service time (one request at a time, warm cache):")
    print(f"{'page':<32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for name, r in measure_pages():
        print(f"{name:<32} {r['n']:>4} {r['p50']:>8.1f} {r['p95']:>8.1f}")
    if not args.no_http:
        from _load import print_results

        results = measure_http(args.clients, args.requests, args.workers, args.threads)
        print_results(results, clients=args.clients, workers=args.workers, threads=args.threads,
                      note="50k requests / 5k subscriptions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
