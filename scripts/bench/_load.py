"""Shared load driver for the benchmark scripts: start gunicorn against a bench database, log in as demo users,
drive N concurrent closed-loop clients over a URL generator and report latency percentiles.

    from _load import BASE, login, drive, start_gunicorn, print_results
    proc = start_gunicorn(4, 4, dbname="egov_bench_cmdb")
    cookies = {u: login(u) for u in ("city_admin", "jj_admin")}
    results = [drive("CI list", lambda i: f"/cmdb/ci/?page={1 + i % 5}", cookies, 100, 3000, 60)]
    stop_gunicorn(proc); print_results(results, clients=100, workers=4, threads=4)
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _env  # noqa: E402

PORT = int(os.environ.get("EGOV_BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "Egov@2026demo"


def login(username: str, password: str = PASSWORD):
    import requests

    s = requests.Session()
    r = s.get(f"{BASE}/login/", timeout=30)
    token = s.cookies.get("csrftoken") or ""
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text)
    if m:
        token = m.group(1)
    r = s.post(f"{BASE}/login/", data={"username": username, "password": password, "csrfmiddlewaretoken": token},
               headers={"Referer": f"{BASE}/login/"}, timeout=30, allow_redirects=False)
    if r.status_code not in (302, 303) or "sessionid" not in s.cookies:
        raise SystemExit(f"login as {username} failed: HTTP {r.status_code}")
    return s.cookies.get_dict()


def drive(name: str, url_for, cookies_by_user: dict, clients: int, total: int, duration: float, method: str = "GET",
          data_for=None) -> dict:
    """Closed loop: each client sends its next request when the previous one answered. ``url_for(i)`` gives the i-th
    URL; for POST, ``data_for(i)`` the form data (CSRF token from the cookie is sent as header)."""
    import requests

    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + duration
    users = list(cookies_by_user)

    def worker(n: int):
        s = requests.Session()
        s.cookies.update(cookies_by_user[users[n % len(users)]])
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t = time.perf_counter()
            try:
                if method == "GET":
                    r = s.get(BASE + url_for(i), timeout=30, allow_redirects=False)
                else:
                    r = s.request(method, BASE + url_for(i), data=data_for(i) if data_for else None, timeout=30,
                                  allow_redirects=False, headers={"X-CSRFToken": s.cookies.get("csrftoken", ""),
                                                                  "Referer": BASE + "/"})
                ok, key = r.status_code in (200, 201, 302, 303), f"HTTP {r.status_code}"
            except Exception as exc:  # noqa: BLE001 - counted as an error
                ok, key = False, exc.__class__.__name__
            dt = time.perf_counter() - t
            with lock:
                if ok:
                    latencies.append(dt)
                else:
                    errors[key] = errors.get(key, 0) + 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t0
    lat = sorted(latencies)

    def pct(p):
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000 if lat else float("nan")

    return {
        "name": name, "ok": len(lat), "errors": errors, "elapsed": elapsed, "rps": len(lat) / elapsed if elapsed else 0,
        "p50": pct(50), "p95": pct(95), "p99": pct(99), "mean": statistics.mean(lat) * 1000 if lat else float("nan"),
    }


def start_gunicorn(workers: int, threads: int, dbname: str | None = None) -> subprocess.Popen:
    env = _env.bench_env(dbname or _env.BENCH_DB)
    root = _env.ROOT
    log = open(root / "var" / "bench-gunicorn.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "egov.wsgi:application", "-b", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread", "--timeout", "60",
         "--log-level", "warning"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    import requests

    for _ in range(120):
        try:
            requests.get(f"{BASE}/login/", timeout=2)
            return proc
        except requests.RequestException:
            if proc.poll() is not None:
                raise SystemExit("gunicorn exited, see var/bench-gunicorn.log")
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer, see var/bench-gunicorn.log")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def collectstatic(dbname: str | None = None) -> None:
    """DEBUG off serves hashed static files from the manifest: bring it up to date (incremental)."""
    subprocess.check_call([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0", "--ignore", "libs"],
                          cwd=_env.ROOT, env=_env.bench_env(dbname or _env.BENCH_DB))


def print_results(results: list[dict], *, clients: int, workers: int, threads: int, note: str = "") -> None:
    print()
    print(f"Load: {clients} concurrent clients, gunicorn {workers} workers x {threads} threads, "
          f"{os.cpu_count()} CPUs{(', ' + note) if note else ''}")
    print(f"{'scenario':<28} {'ok':>6} {'errors':>7} {'req/s':>8} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(f"{r['name']:<28} {r['ok']:>6} {sum(r['errors'].values()):>7} {r['rps']:>8.1f} {r['mean']:>8.0f} "
              f"{r['p50']:>8.0f} {r['p95']:>8.0f} {r['p99']:>8.0f}" + (f"  {r['errors']}" if r["errors"] else ""))


def percentiles(samples_s: list[float]) -> dict:
    """p50/p95/p99/mean in ms of in-process timings (seconds)."""
    lat = sorted(samples_s)

    def pct(p):
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000 if lat else float("nan")

    return {"n": len(lat), "p50": pct(50), "p95": pct(95), "p99": pct(99),
            "mean": statistics.mean(lat) * 1000 if lat else float("nan")}
