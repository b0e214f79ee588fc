"""Registry of models that get the generic object views (list / detail / add / edit / delete / import /
export) by declaration, NetBox-style::

    from egov_base.generic.registry import register, ModelConfig
    register(Organization, ModelConfig(menu="org", list_display=["name", "code", "kind"], ...))

Other areas add detail tabs without generic importing them::

    register_detail_tab(key="history", label=_("历史"), template="...", context=lambda request, obj: {...})
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass
class ExtraAction:
    """A button on the detail page (or list page when ``list=True``) linking to ``url_name``."""

    label: Any
    url_name: str
    icon: str = "ti ti-bolt"
    perm: str | None = None
    list: bool = False
    with_pk: bool = True
    condition: Callable | None = None  # (request, obj) -> bool


@dataclass
class ModelConfig:
    menu: str = ""
    list_display: list[str] = field(default_factory=list)
    list_filter: list[str] = field(default_factory=list)
    search_fields: list[str] = field(default_factory=list)
    ordering: list[str] = field(default_factory=list)
    default_columns: list[str] | None = None
    sortable: list[str] | None = None  # default: concrete fields of list_display
    form_fields: list[str] | None = None
    form_class: type | None = None  # a ModelForm subclass accepting user= (see generic.forms.GenericModelForm)
    detail_fields: list[str] | None = None
    fieldsets: list[tuple[Any, list[str]]] | None = None
    field_renderers: dict[str, Callable] = field(default_factory=dict)  # name -> (request, obj) -> str
    import_fields: list[str] | None = None
    import_key: str | None = None
    tree: bool = False
    select_related: list[str] = field(default_factory=list)
    prefetch_related: list[str] = field(default_factory=list)
    can_add: bool = True
    can_edit: bool = True
    can_delete: bool = True
    can_import: bool = True
    can_export: bool = True
    export_perm: str | None = None  # extra permission for export, e.g. "egov_base.export_organization"
    api: bool = True
    comments: bool = True
    actions: list[ExtraAction] = field(default_factory=list)
    create_service: Callable | None = None  # (*, user, form) -> obj ; default generic.services.object_create
    update_service: Callable | None = None  # (*, user, obj, form) -> obj
    delete_service: Callable | None = None  # (*, user, obj) -> None
    list_template: str | None = None
    detail_template: str | None = None
    url_prefix: str | None = None  # path segment; default model_name

    # filled by register()
    model: type[models.Model] | None = None


_REGISTRY: dict[type[models.Model], ModelConfig] = {}


@dataclass
class DetailTab:
    key: str
    label: Any
    template: str
    context: Callable | None = None  # (request, obj) -> dict
    order: int = 50
    condition: Callable | None = None  # (request, obj) -> bool
    models: tuple | None = None  # limit to these model classes (None = all registered models)


_TABS: dict[str, DetailTab] = {}


def register(model: type[models.Model], config: ModelConfig | None = None) -> ModelConfig:
    """Register ``model`` for the generic views. Re-registering replaces the previous config."""
    config = config or ModelConfig()
    config.model = model
    if not config.list_display:
        config.list_display = [
            f.name for f in model._meta.concrete_fields if not f.primary_key and f.editable
        ][:6]
    if not config.ordering:
        config.ordering = list(model._meta.ordering or ["-pk"])
    _REGISTRY[model] = config
    if "get_absolute_url" not in model.__dict__ and not hasattr(model, "get_absolute_url"):
        model.get_absolute_url = lambda self: object_url(self)
    return config


def unregister(model) -> None:
    _REGISTRY.pop(model, None)


def get_config(model) -> ModelConfig | None:
    if isinstance(model, models.Model):
        model = type(model)
    return _REGISTRY.get(model)


def is_registered(model) -> bool:
    return get_config(model) is not None


def iter_registered(app_label: str | None = None):
    """Yield ``(model, config)`` for registered models (optionally of one app)."""
    for model, config in list(_REGISTRY.items()):
        if app_label is None or model._meta.app_label == app_label:
            yield model, config


def register_detail_tab(key, label, template, context=None, order=50, condition=None, models=None) -> DetailTab:
    tab = DetailTab(key=key, label=label, template=template, context=context, order=order,
                    condition=condition, models=tuple(models) if models else None)
    _TABS[key] = tab
    return tab


def detail_tabs(request, obj) -> list[DetailTab]:
    out = []
    for tab in _TABS.values():
        if tab.models and not isinstance(obj, tab.models):
            continue
        if tab.key == "comments":
            cfg = get_config(obj)
            if cfg is not None and not cfg.comments:
                continue
        if tab.condition is not None and not tab.condition(request, obj):
            continue
        out.append(tab)
    return sorted(out, key=lambda t: (t.order, str(t.key)))


def url_name(model, action: str) -> str:
    return f"{model._meta.app_label}:{model._meta.model_name}_{action}"


def model_url(model, action: str = "list", **kwargs) -> str:
    return reverse(url_name(model, action), kwargs=kwargs or None)


def object_url(obj, action: str = "detail") -> str:
    """URL of a registered object's detail page (or another per-object action: edit, delete)."""
    try:
        return reverse(url_name(type(obj), action), kwargs={"pk": obj.pk})
    except NoReverseMatch:
        return ""


def perm_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


# Built-in tabs shipped by generic itself.
register_detail_tab(key="fields", label=_("基本信息"), template="egov_base/generic/partials/tab_fields.html", order=0)
register_detail_tab(
    key="comments", label=_("评论"), template="egov_base/generic/partials/tab_comments.html", order=90,
    context=lambda request, obj: __import__(
        "egov_base.generic.selectors", fromlist=["x"]).comment_tab_context(request, obj),
)
