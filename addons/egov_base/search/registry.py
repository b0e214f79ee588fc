"""The search registry: apps call ``register_search(Model, ...)`` in their registrations module; the index
(SearchDocument) is kept current by post_save / post_delete signals and rebuilt by
``manage.py egov_search_reindex``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from ..scope import get_scope_fields

_UNSET = object()


@dataclass
class SearchSpec:
    model: type[Model]
    title: Callable[[Model], str]
    body_fields: list[str] = field(default_factory=list)
    body: Callable[[Model], str] | None = None
    url: Callable[[Model], str] | None = None
    org_path: str | None = None
    owner_path: str | None = None
    global_read: bool = False
    category: Any = ""
    permission: str | None = None
    condition: Callable[[Model], bool] | None = None  # index only when true (e.g. published, active)
    select_related: tuple = ()

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    @property
    def view_permission(self) -> str:
        return self.permission or f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"


_REGISTRY: dict[type[Model], SearchSpec] = {}


def register_search(model, *, title=None, body_fields=(), body=None, url=None, org_path=_UNSET, owner_path=_UNSET,
                    global_read=None, category="", permission=None, condition=None, select_related=()) -> SearchSpec:
    """Make ``model`` searchable.

    ``title(obj)`` and ``url(obj)`` are callables (defaults: ``str(obj)`` and ``obj.get_absolute_url()``);
    ``body_fields`` names text fields (``"duties"``, ``"organization__name"``) concatenated into the body, or
    ``body(obj)`` returns it. ``org_path``/``owner_path``/``global_read`` default to the model's
    ``scope_fields`` (``""`` = the object itself), so search results follow the same data-scope rules as the
    model's own lists. ``category`` is the group label on the search page (default: verbose_name_plural);
    ``permission`` the permission needed to see results (default ``app.view_model``)."""
    spec_scope = get_scope_fields(model)
    if org_path is _UNSET:
        org_path = spec_scope.org if spec_scope else None
    if owner_path is _UNSET:
        owner_path = spec_scope.owner if spec_scope else None
    if global_read is None:
        global_read = bool(spec_scope and spec_scope.global_read)
    spec = SearchSpec(
        model=model, title=title or (lambda obj: str(obj)), body_fields=list(body_fields), body=body, url=url,
        org_path=org_path, owner_path=owner_path, global_read=global_read,
        category=category or model._meta.verbose_name_plural, permission=permission, condition=condition,
        select_related=tuple(select_related),
    )
    _REGISTRY[model] = spec
    from . import signals

    signals.connect(model)
    return spec


def unregister_search(model) -> None:
    _REGISTRY.pop(model, None)
    from . import signals

    signals.disconnect(model)


def get_spec(model) -> SearchSpec | None:
    if isinstance(model, Model):
        model = type(model)
    return _REGISTRY.get(model)


def registered() -> list[SearchSpec]:
    return list(_REGISTRY.values())
