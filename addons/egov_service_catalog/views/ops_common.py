"""Helpers shared by the operations views: permission check with audit of refusals, scoped object lookup,
idempotency keys for forms."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from egov_base.audit.services import record_event
from egov_base.scope import scope_queryset


def require_perm(request, *perms: str, model=None) -> None:
    if not all(request.user.has_perm(p) for p in perms):
        record_event(action="denied", obj=None, model=model, message=f"{','.join(perms)} {request.path}", data={})
        raise PermissionDenied


def scoped_get(model, user, pk, qs=None):
    """An object by pk from the user's scoped queryset (404 outside the scope)."""
    return get_object_or_404(scope_queryset(qs if qs is not None else model.objects.all(), user), pk=pk)


def new_key() -> str:
    return uuid.uuid4().hex


def form_errors(exc) -> dict:
    """ValidationError → {field: [messages]} (non-field messages under "__all__")."""
    if hasattr(exc, "message_dict"):
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


class OpsForm(forms.Form):
    """A plain form with Tabler classes on its widgets (like the generic views' forms)."""

    def __init__(self, *args, **kwargs):
        from egov_base.generic.forms import style_widgets

        super().__init__(*args, **kwargs)
        style_widgets(self)
