"""Demo data for the whole foundation: organisations, roles and demo users first, then every area's
``egov_base.<area>.demo.load()`` that exists, each guarded so one broken area does not stop the others.

Run by ``manage.py egov_demo`` (and scripts/start). Every ``load()`` must be idempotent."""

from __future__ import annotations

import importlib
import logging
import sys
import traceback

from .org.demo import DEMO_PASSWORD, DEMO_USERS
from .org.roles import BUILTIN_ROLES

logger = logging.getLogger(__name__)

AREAS = [
    "audit", "workflow", "inbox", "notify", "content", "dictionary", "files", "search", "reports", "integration",
    "generic",
]



def _area_module(area: str):
    """``egov_base.<area>.demo`` for a base area, ``<app>.demo`` for a domain app (``app:egov_cmdb``)."""
    name = f"{area[4:]}.demo" if area.startswith("app:") else f"egov_base.{area}.demo"
    parent = name.rsplit(".", 1)[0]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name in (name, parent):
            return None
        raise


def load_demo(stdout=None) -> dict[str, bool | None]:
    """Load all demo data. Returns {area: True (loaded) | False (failed) | None (no demo module)}."""
    from .context import acting_as
    from .org import demo as org_demo

    out = stdout or sys.stdout
    results: dict[str, bool | None] = {}
    org_demo.load()
    results["org"] = True
    from .org.models import Organization, User

    out.write(f"org: {Organization.objects.count()} organisations, {User.objects.count()} users\n")
    actor = User.objects.filter(username="sysadmin").first()
    from django.conf import settings

    # Base areas first, then the domain apps enabled in EGOV_ADDONS (their ``demo.load()``), in that order.
    for area in AREAS + [f"app:{app}" for app in getattr(settings, "EGOV_ADDONS", [])]:
        try:
            module = _area_module(area)
            if module is None or not hasattr(module, "load"):
                results[area] = None
                continue
            with acting_as(actor, source="demo"):
                module.load()
            results[area] = True
            out.write(f"{area}: ok\n")
        except Exception:  # noqa: BLE001 - one area's failure must not stop the others
            results[area] = False
            logger.error("demo data for %s failed:\n%s", area, traceback.format_exc())
    return results


def login_table() -> str:
    """The demo logins as a plain-text table (printed by scripts/start)."""
    rows = [("角色", "用户名", "密码", "姓名 / 单位")]
    org_names = {}
    try:
        from .org.models import Organization

        org_names = dict(Organization.objects.filter(code__in=[u[3] for u in DEMO_USERS]).values_list("code", "name"))
    except Exception:  # noqa: BLE001 - the table is still useful without names
        pass
    role_labels = {code: str(label) for code, label, *_rest in BUILTIN_ROLES}
    for username, name, role, org_code, _position, _mobile in DEMO_USERS:
        rows.append((role_labels.get(role, role), username, DEMO_PASSWORD, f"{name} / {org_names.get(org_code, org_code)}"))

    def width(s: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in s)

    widths = [max(width(r[i]) for r in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[i] + " " * (widths[i] - width(row[i])) for i in range(3)]
        lines.append("  " + "  ".join(cells) + "  " + row[3])
        if n == 0:
            lines.append("  " + "-" * (sum(widths) + 6 + 20))
    return "演示账号（演示环境专用，正式环境请删除或停用）:\n" + "\n".join(lines)
