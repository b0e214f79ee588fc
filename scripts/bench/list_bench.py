#!/usr/bin/env python
"""List-page and API benchmark against the bench database (run gen_data.py first).

Starts gunicorn on 127.0.0.1 (DEBUG off, gthread workers suited to 2 cores), logs in as a district administrator
(jj_admin, 锦江区) and a city administrator (city_admin), and drives with 50 concurrent clients:

    list  /base/organizationcontact/?q=…&is_primary=…&sort=…&page=N     (generic list view, HTML)
    api   /api/v1/egov_base/organizationcontact/?search=…&ordering=…&page=N

then reports p50/p95/p99 latency, throughput and errors per scenario, and the SQL queries per page measured
in-process (django.test.utils.CaptureQueriesContext, test client) against 1k and 100k contact rows.

    .venv/bin/python scripts/bench/list_bench.py [--clients 50] [--requests 1500] [--duration 60]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _env  # noqa: E402
from _load import collectstatic, drive, login, print_results, start_gunicorn, stop_gunicorn  # noqa: E402

SEARCHES = ["王", "李", "张", "科长", "主任", "+86138", "锦江", "局"]
SORTS = ["name", "-name", "phone", "-created_at", "organization"]
API_SORTS = ["name", "-name", "phone", "-id"]

LIST_PATH = "/base/organizationcontact/"
API_PATH = "/api/v1/egov_base/organizationcontact/"


def list_url(i: int) -> str:
    q = SEARCHES[i % len(SEARCHES)]
    params = f"q={q}&sort={SORTS[i % len(SORTS)]}&page={1 + i % 5}"
    if i % 3 == 0:
        params += "&is_primary=false"
    return f"{LIST_PATH}?{params}"


def api_url(i: int) -> str:
    # page 1 only: DRF answers 404 for a page past the end, and a district's filtered result can be short.
    return f"{API_PATH}?search={SEARCHES[i % len(SEARCHES)]}&ordering={API_SORTS[i % len(API_SORTS)]}&page=1"


# --- query counts (in-process, one database per process) ---------------------------------------------------
def count_queries(dbname: str) -> dict:
    _env.setup_django(dbname)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from egov_base.org.models import OrganizationContact, User

    out = {"rows": OrganizationContact.objects.count()}
    for username in ("city_admin", "jj_admin"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        for kind, url in (("list", list_url(0)), ("api", api_url(0))):
            client.get(url)  # warm caches (menu, permissions) like a real session
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(url)
            out[f"{kind}:{username}"] = {"status": resp.status_code, "queries": len(ctx.captured_queries)}
    return out


# --- load test -------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1500, help="requests per scenario (upper bound)")
    parser.add_argument("--duration", type=float, default=60, help="seconds per scenario (upper bound)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--queries-only", action="store_true")
    parser.add_argument("--count-queries", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.count_queries:
        print(json.dumps(count_queries(args.count_queries)))
        return 0

    (_env.ROOT / "var").mkdir(exist_ok=True)
    # DEBUG off serves hashed static files from the manifest: bring it up to date (incremental).
    print("collectstatic ...", flush=True)
    collectstatic()
    # Query counts at 1k and 100k rows, each in its own process.
    qc = {}
    for db in (_env.BENCH_DB + "_1k", _env.BENCH_DB):
        out = subprocess.run([sys.executable, __file__, "--count-queries", db], capture_output=True, text=True,
                             env=dict(os.environ))
        if out.returncode:
            print(out.stderr[-3000:], file=sys.stderr)
            return 1
        qc[db] = json.loads(out.stdout.strip().splitlines()[-1])

    results = []
    if not args.queries_only:
        proc = start_gunicorn(args.workers, args.threads)
        try:
            cookies = {u: login(u) for u in ("jj_admin", "city_admin")}
            drive("warm-up", list_url, cookies, 4, 40, 30)
            results.append(drive("list page (HTML)", list_url, cookies, args.clients, args.requests, args.duration))
            results.append(drive("API /api/v1", api_url, cookies, args.clients, args.requests, args.duration))
        finally:
            stop_gunicorn(proc)

    print_results(results, clients=args.clients, workers=args.workers, threads=args.threads,
                  note="users jj_admin (district) + city_admin (city)")
    print()
    dbs = list(qc)
    print("SQL queries per page (in-process test client):")
    print(f"{'page / user':<24} " + " ".join(f"{qc[d]['rows']:>10,} rows" for d in dbs) + "   bounded")
    ok = True
    for key in [k for k in qc[dbs[0]] if k != "rows"]:
        counts = [qc[d][key]["queries"] for d in dbs]
        statuses = {qc[d][key]["status"] for d in dbs}
        same = len(set(counts)) == 1 and statuses == {200}
        ok &= same
        print(f"{key:<24} " + " ".join(f"{c:>15}" for c in counts) + f"   {'yes' if same else 'NO'}"
              + ("" if statuses == {200} else f"  (HTTP {sorted(statuses)})"))
    failed = any(r["errors"] for r in results)
    return 0 if ok and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
