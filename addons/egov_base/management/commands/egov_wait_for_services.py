"""manage.py egov_wait_for_services — wait until PostgreSQL and Redis answer (container start-up, deploys).

Exits 0 when both answer, 1 after --timeout seconds."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def _db_ok() -> str | None:
    try:
        conn = connections["default"]
        conn.ensure_connection()
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
        connections["default"].close()
        return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def _redis_ok() -> str | None:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc)


class Command(BaseCommand):
    help = "等待 PostgreSQL 与 Redis 可用。"

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=int, default=60, help="最长等待秒数（默认 60）")
        parser.add_argument("--no-redis", action="store_true", help="只等待数据库")

    def handle(self, *args, timeout, no_redis, **options):
        deadline = time.monotonic() + timeout
        while True:
            problems = {"postgresql": _db_ok()}
            if not no_redis:
                problems["redis"] = _redis_ok()
            failing = {k: v for k, v in problems.items() if v}
            if not failing:
                self.stdout.write("services ready: " + ", ".join(problems))
                return
            if time.monotonic() >= deadline:
                raise CommandError("services not ready: " + "; ".join(f"{k}: {v}" for k, v in failing.items()))
            time.sleep(1)
