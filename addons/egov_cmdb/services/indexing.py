"""Search indexing of CIs, batched. egov_base.search would index every saved CI right after commit, one by one
in the request; an import of 10,000 rows would spend minutes there. ``registrations.py`` therefore disconnects
the per-save signal for CI, and the services call ``queue_index(pk)``: after the transaction commits, the pks of
all CIs written in it go to one Celery task (``egov_cmdb.index_cis``; eager in tests, inline if no broker)."""

from __future__ import annotations

import logging
import threading

from django.db import transaction

log = logging.getLogger(__name__)
_pending = threading.local()
CHUNK = 500


def _take() -> list[int]:
    pks = sorted(getattr(_pending, "pks", set()))
    _pending.pks = set()
    return pks


def _flush():
    pks = _take()
    if not pks:
        return
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start:start + CHUNK]
        try:
            index_cis_task.delay(chunk)
        except Exception:  # noqa: BLE001  (no broker: index inline rather than lose the update)
            log.warning("CMDB search indexing queued inline (%s CIs)", len(chunk))
            index_cis(chunk)


def queue_index(pk: int) -> None:
    """Index this CI after the current transaction commits (one task for all CIs of the transaction)."""
    if not hasattr(_pending, "pks"):
        _pending.pks = set()
    _pending.pks.add(pk)
    transaction.on_commit(_flush)


def index_cis(pks) -> int:
    from egov_base.search.services import index_object

    from ..models import CI

    n = 0
    for ci in CI.objects.filter(pk__in=list(pks)).select_related("ci_class", "organization"):
        try:
            index_object(ci)
            n += 1
        except Exception:  # noqa: BLE001  (indexing must never break anything)
            log.exception("search indexing failed for CI %s", ci.pk)
    return n


def unindex(ci) -> None:
    from egov_base.search.services import remove_object

    remove_object(ci)


try:
    from celery import shared_task

    @shared_task(name="egov_cmdb.index_cis")
    def index_cis_task(pks) -> int:
        return index_cis(pks)
except ImportError:  # pragma: no cover
    class _Inline:
        @staticmethod
        def delay(pks):
            return index_cis(pks)

    index_cis_task = _Inline()
