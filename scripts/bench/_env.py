"""Shared set-up for the benchmark scripts: project on sys.path and a Django configured against a bench database
(never the demo/dev database), DEBUG off."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BENCH_DB = os.environ.get("EGOV_BENCH_DB", "egov_bench")


def server_url() -> str:
    """The PostgreSQL server (DATABASE_URL's host, default 127.0.0.1:5432) without a database name."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return urlunsplit(urlsplit(url)._replace(path=""))


def db_url(name: str) -> str:
    return f"{server_url()}/{name}"


def bench_env(dbname: str) -> dict[str, str]:
    """Environment for a process (gunicorn or in-process Django) running against the bench database."""
    env = dict(os.environ)
    env.update(
        EGOV_CONF="/dev/null",
        DATABASE_URL=db_url(dbname),
        DEBUG="false",
        SECRET_KEY=env.get("EGOV_BENCH_SECRET", "bench-only-secret-key-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CACHE_PREFIX=f"bench-{dbname}",
        LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="true",
        PYTHONPATH=f"{ROOT}:{ROOT / 'addons'}",
    )
    return env


def setup_django(dbname: str) -> None:
    os.environ.update(bench_env(dbname))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    for p in (str(ROOT), str(ROOT / "addons")):
        if p not in sys.path:
            sys.path.insert(0, p)
    os.chdir(ROOT)
    import django

    django.setup()


def ensure_database(name: str) -> bool:
    """Create the database if missing; True when it was created."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(db_url("postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
        return True
