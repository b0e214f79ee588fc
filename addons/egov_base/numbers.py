"""Readable document numbers (``SR-2026-000123``) from PostgreSQL sequences.

One sequence per prefix and year (``egov_num_sr_2026``), created on demand. ``nextval`` is never rolled back,
so a number handed out inside a transaction that later rolls back is *skipped*, never reused: **gaps are
expected** and are not an error (auditors are told so in docs/developer/files.md#numbers).

The sequence is created on a separate autocommit connection so that the creation itself survives a rollback
of the caller's transaction (otherwise the first numbers of a year could be handed out twice). Concurrent
first calls are safe: creation is serialised with an advisory lock and ``CREATE SEQUENCE IF NOT EXISTS``.
"""

from __future__ import annotations

import re
import threading

from django.db import connection, connections
from django.utils import timezone

_PREFIX_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,19}$")
_known: set[str] = set()
_known_lock = threading.Lock()
_ADVISORY_KEY = 0x45474F56  # "EGOV"


def _sequence_name(prefix: str, year: int | None) -> str:
    if not _PREFIX_RE.match(prefix or ""):
        raise ValueError(f"invalid document number prefix: {prefix!r} (letters, digits, _; max 20)")
    return f"egov_num_{prefix.lower()}" + (f"_{int(year)}" if year is not None else "")


def _ensure_sequence(name: str, using: str = "default") -> None:
    key = f"{connections[using].settings_dict['NAME']}:{name}"
    if key in _known:
        return
    # Separate autocommit connection: the CREATE must not be undone by the caller's rollback.
    conn = connections.create_connection(using)
    try:
        conn.ensure_connection()
        conn.set_autocommit(True)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_ADVISORY_KEY])
            try:
                cur.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START 1 MINVALUE 1 NO CYCLE')
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_KEY])
    finally:
        conn.close()
    with _known_lock:
        _known.add(key)


def format_number(prefix: str, value: int, *, year: int | None = None, width: int = 6) -> str:
    """``format_number("SR", 123, year=2026)`` -> ``"SR-2026-000123"``; without a year ``"SR-000123"``."""
    parts = [prefix]
    if year is not None:
        parts.append(str(int(year)))
    parts.append(f"{int(value):0{width}d}")
    return "-".join(parts)


def next_value(prefix: str, *, year: int | None = None, using: str = "default") -> int:
    name = _sequence_name(prefix, year)
    _ensure_sequence(name, using)
    with connections[using].cursor() as cur:
        cur.execute("SELECT nextval(%s)", [name])
        return int(cur.fetchone()[0])


def next_number(prefix: str, *, year: int | None = None, width: int = 6, yearly: bool = True) -> str:
    """The next number for ``prefix``: ``next_number("SR")`` -> ``"SR-2026-000123"``.

    ``year`` defaults to the current local year (numbering restarts every year); ``yearly=False`` gives one
    running sequence without the year part (``"CI-000042"``). Safe under concurrency; gaps are expected.
    """
    if yearly and year is None:
        year = timezone.localdate().year
    if not yearly:
        year = None
    return format_number(prefix, next_value(prefix, year=year), year=year, width=width)


def current_value(prefix: str, *, year: int | None = None) -> int | None:
    """The last number handed out (``None`` if the sequence does not exist yet). For admin screens."""
    name = _sequence_name(prefix, year)
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if not cur.fetchone()[0]:
            return None
        cur.execute(f'SELECT last_value, is_called FROM "{name}"')
        last, called = cur.fetchone()
        return int(last) if called else 0
