"""Keep the search index current: post_save / post_delete of registered models (after commit)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)


_IGNORED_UPDATES = {"last_login", "password", "password_changed_at", "updated_at", "updated_by"}


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields and set(update_fields) <= _IGNORED_UPDATES:
        return  # e.g. a login touching last_login: nothing searchable changed
    pk, model = instance.pk, type(instance)

    def _run():
        from .services import index_object

        obj = model._default_manager.filter(pk=pk).first()
        if obj is not None:
            try:
                index_object(obj)
            except Exception:  # indexing must never break the business write
                log.exception("search indexing failed for %s %s", model, pk)

    transaction.on_commit(_run)


def _on_delete(sender, instance, **kwargs):
    from .services import remove_object

    remove_object(instance)


def connect(model) -> None:
    uid = f"egov_search_{model._meta.label_lower}"
    post_save.connect(_on_save, sender=model, dispatch_uid=uid + "_save", weak=False)
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + "_delete", weak=False)


def disconnect(model) -> None:
    uid = f"egov_search_{model._meta.label_lower}"
    post_save.disconnect(sender=model, dispatch_uid=uid + "_save")
    post_delete.disconnect(sender=model, dispatch_uid=uid + "_delete")
