import re
import threading
import uuid

import pytest
from django.db import connection, transaction

from egov_base.numbers import format_number, next_number

pytestmark = pytest.mark.django_db(transaction=True)


def _prefix():
    return "T" + uuid.uuid4().hex[:8].upper()


def test_sequential_and_format():
    p = _prefix()
    a, b = next_number(p, year=2026), next_number(p, year=2026)
    assert a == f"{p}-2026-000001" and b == f"{p}-2026-000002"
    assert re.match(r"^SR-\d{4}-\d{6}$", format_number("SR", 123, year=2026))
    assert format_number("SR", 123, year=2026) == "SR-2026-000123"
    assert next_number(p, yearly=False, width=4) == f"{p}-0001"


def test_new_year_restarts():
    p = _prefix()
    next_number(p, year=2026)
    next_number(p, year=2026)
    assert next_number(p, year=2027) == f"{p}-2027-000001"


def test_rollback_never_reuses():
    p = _prefix()
    try:
        with transaction.atomic():
            first = next_number(p, year=2030)  # also creates the sequence inside a transaction
            raise RuntimeError
    except RuntimeError:
        pass
    second = next_number(p, year=2030)
    assert first.endswith("000001") and second.endswith("000002")  # gap expected, never reused


def test_invalid_prefix():
    with pytest.raises(ValueError):
        next_number("SR'; DROP TABLE x;--")


def test_concurrent_threads_unique():
    p = _prefix()
    results, errors = [], []

    def worker():
        try:
            for _ in range(10):
                results.append(next_number(p, year=2026))
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 60 and len(set(results)) == 60
