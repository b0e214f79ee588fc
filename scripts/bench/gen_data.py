#!/usr/bin/env python
"""Generate benchmark data at city scale into a separate database (default ``egov_bench``; never the demo one):
the demo organisations (≈160: city departments, centre, public institutions, 23 districts × 4 departments),
3,300 users and 100,000 OrganizationContact rows (COPY), plus a small twin database ``egov_bench_1k`` with 1,000
contacts for the query-count comparison.

    .venv/bin/python scripts/bench/gen_data.py              # both databases, idempotent
    .venv/bin/python scripts/bench/gen_data.py --reset      # regenerate the rows
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python scripts/bench/gen_data.py

Runs each database in its own process (Django binds one database per process).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _env  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国晓燕志强丽娟海涛雪梅俊杰文静国华春梅明辉小红永刚婷婷宏伟秀英德明佳怡立新玉兰鹏飞晓东思雨成林"
POSITIONS = ["办公室主任", "信息科科长", "信息化负责人", "科员", "副主任", "网络管理员", "数据专员", "系统管理员"]


def _name(rng: random.Random) -> str:
    k = rng.randrange(len(GIVEN) // 2)
    return rng.choice(SURNAMES) + GIVEN[2 * k:2 * k + 2]


def generate(users: int, contacts: int, reset: bool) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from egov_base.org import demo
    from egov_base.org.models import Organization, OrganizationContact, Role, User

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    demo.load_organizations()
    demo.load_users()  # the demo users (city_admin, jj_admin ...) log in to the benchmark
    orgs = list(Organization.objects.values_list("pk", flat=True))
    rng = random.Random(20261125)

    # --- users ------------------------------------------------------------------------------------------------
    existing = User.objects.filter(username__startswith="bench_u").count()
    if reset and existing:
        User.objects.filter(username__startswith="bench_u").delete()
        existing = 0
    if existing < users:
        password = make_password("Egov@2026bench")
        roles = {r.code: r.group_id for r in Role.objects.all()}
        role_cycle = ["dept_user"] * 8 + ["district_admin", "ops_engineer"]
        batch = []
        for i in range(existing, users):
            batch.append(User(
                username=f"bench_u{i:05d}", name=_name(rng), email=f"bench_u{i:05d}@bench.gov.cn",
                phone=f"+86137{i:08d}", organization_id=rng.choice(orgs), position=rng.choice(POSITIONS),
                password=password,
            ))
        with transaction.atomic():
            created = User.objects.bulk_create(batch, batch_size=1000)
            through = User.groups.through
            through.objects.bulk_create(
                [through(user_id=u.pk, group_id=roles[role_cycle[n % len(role_cycle)]]) for n, u in enumerate(created)],
                batch_size=2000, ignore_conflicts=True,
            )

    # --- contacts (COPY) ------------------------------------------------------------------------------------
    have = OrganizationContact.objects.count()
    if reset or have > contacts:
        OrganizationContact.objects.all().delete()
        have = 0
    need = contacts - have
    if need > 0:
        meta = OrganizationContact._meta
        cols = ["organization_id", "name", "position", "phone", "email", "is_primary", "created_at", "updated_at"]
        buf = io.StringIO()
        now = "2026-01-01 08:00:00+08"
        for i in range(have, contacts):
            buf.write("\t".join([
                str(rng.choice(orgs)), _name(rng), rng.choice(POSITIONS), f"+86138{i:08d}", f"c{i}@bench.gov.cn",
                "t" if i % 20 == 0 else "f", now, now,
            ]) + "\n")
        with transaction.atomic(), connection.cursor() as cur:
            with cur.cursor.copy(f'COPY "{meta.db_table}" ({", ".join(cols)}) FROM STDIN') as copy:
                copy.write(buf.getvalue())
        with connection.cursor() as cur:
            cur.execute(f'ANALYZE "{meta.db_table}"')
            cur.execute(f'ANALYZE "{User._meta.db_table}"')
    print(f"{connection.settings_dict['NAME']}: {Organization.objects.count()} organisations, "
          f"{User.objects.count()} users, {OrganizationContact.objects.count()} contacts "
          f"({time.monotonic() - t0:.1f}s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="generate into this one database (internal: used by the parent process)")
    parser.add_argument("--users", type=int, default=3300)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    if args.db:
        _env.ensure_database(args.db)
        _env.setup_django(args.db)
        generate(args.users, args.contacts, args.reset)
        return 0
    plan = [(_env.BENCH_DB, args.users, args.contacts), (_env.BENCH_DB + "_1k", args.users, 1000)]
    for db, users, contacts in plan:
        cmd = [sys.executable, __file__, "--db", db, "--users", str(users), "--contacts", str(contacts)]
        if args.reset:
            cmd.append("--reset")
        rc = subprocess.call(cmd, env=dict(os.environ))
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())
