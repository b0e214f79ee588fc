"""Generic object views for registered models. Each view is instantiated per model by ``urls.py`` with
``as_view(config=...)``. Every view checks the model permission (403) and fetches objects through the
user's scoped queryset (404 outside the scope)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import selectors, services
from .exporter import export_filename, export_xlsx
from .filters import build_filterset_class
from .forms import add_service_errors, build_form_class
from .importer import ImportFileError, import_fields, run_import, template_xlsx
from .registry import detail_tabs, model_url, object_url, perm_name
from .selectors import column_label


def _hx_target(request) -> str:
    """The id of the element HTMX swaps into (htmx 4 sends "div#id", htmx 2 the bare id)."""
    return (request.headers.get("HX-Target") or "").rsplit("#", 1)[-1]


class GenericView(LoginRequiredMixin, View):
    config = None
    action = "view"  # permission needed: view / add / change / delete

    @property
    def model(self):
        return self.config.model

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def check_permission(self, request):
        if not request.user.has_perm(perm_name(self.model, self.action)):
            _denied(request, self.model, self.action)
            raise PermissionDenied

    def get_object(self, pk):
        return selectors.object_get(self.config, self.request.user, pk)

    def base_context(self, **extra):
        m = self.model._meta
        user = self.request.user
        ctx = {
            "config": self.config,
            "opts": m,
            "verbose_name": m.verbose_name,
            "verbose_name_plural": m.verbose_name_plural,
            "list_url": model_url(self.model, "list"),
            "perms_model": {
                "view": user.has_perm(perm_name(self.model, "view")),
                "add": self.config.can_add and user.has_perm(perm_name(self.model, "add")),
                "change": self.config.can_edit and user.has_perm(perm_name(self.model, "change")),
                "delete": self.config.can_delete and user.has_perm(perm_name(self.model, "delete")),
                "import": self.config.can_import and self.config.can_add and user.has_perm(perm_name(self.model, "add")),
                "export": self.config.can_export and _may_export(user, self.config),
            },
            "urls": {a: _safe_model_url(self.model, a) for a in ("list", "add", "import", "export", "bulk_delete", "columns")},
        }
        ctx.update(extra)
        return ctx


def _safe_model_url(model, action):
    try:
        return model_url(model, action)
    except NoReverseMatch:  # the model has no view for this action
        return ""


def _may_export(user, config) -> bool:
    if not user.has_perm(perm_name(config.model, "view")):
        return False
    return not config.export_perm or user.has_perm(config.export_perm)


def _denied(request, model, action):
    services.record_event(action="denied", obj=None, model=model, message=f"{action} {request.path}", data={})


class ListQueryMixin:
    def filtered_queryset(self):
        request = self.request
        qs = selectors.base_queryset(self.config, request.user)
        self.filterset = None
        if self.config.list_filter:
            self.filterset = build_filterset_class(self.config)(request.GET or None, queryset=qs, request=request)
            if self.filterset.is_bound and self.filterset.is_valid():
                qs = self.filterset.qs
            elif self.filterset.is_bound:
                qs = qs.none()
        self.q = request.GET.get("q", "").strip()
        qs = selectors.apply_search(qs, self.config.search_fields, self.q)
        qs, self.sort = selectors.apply_sort(qs, self.config, request.GET.get("sort", ""))
        return qs

    def active_filters(self) -> dict:
        return {k: v for k, v in self.request.GET.items() if v and k not in ("page", "per_page", "view", "_")}


class ObjectListView(GenericView, ListQueryMixin):
    action = "view"

    def get(self, request):
        config = self.config
        qs = self.filtered_queryset()
        pref = selectors.preference_get(request.user, self.model)
        columns = selectors.visible_columns(config, pref)
        try:
            per_page = int(request.GET.get("per_page") or (pref.page_size if pref else 20))
        except ValueError:
            per_page = 20
        if per_page not in services.PAGE_SIZES:
            per_page = 20
        tree_mode = config.tree and request.GET.get("view", "tree") == "tree" and not self.active_filters()
        if tree_mode:
            nodes = list(qs.order_by("path"))
            known = {n.path for n in nodes}
            rows = []
            for n in nodes:
                parent_path = n.path[: -5] if n.depth else ""
                rows.append({"obj": n, "cells": [selectors.display_value(n, c, request=request, config=config) for c in columns],
                             "url": object_url(n), "indent": _rel_depth(n, known),
                             "has_children": False, "parent_path": parent_path if parent_path in known else ""})
            paths = {r["parent_path"] for r in rows}
            for r in rows:
                r["has_children"] = r["obj"].path in paths
            page = None
        else:
            paginator = Paginator(qs, per_page)
            page = paginator.get_page(request.GET.get("page"))
            rows = [{"obj": o, "cells": [selectors.display_value(o, c, request=request, config=config) for c in columns],
                     "url": object_url(o)} for o in page.object_list]
        params = {k: v for k, v in request.GET.items() if k not in ("page", "sort")}
        sortable = set(selectors.sortable_columns(config))
        headers = []
        for c in columns:
            h = {"name": c, "label": column_label(self.model, c), "sortable": c in sortable, "dir": ""}
            if h["sortable"]:
                if self.sort == c:
                    h["dir"], nxt = "asc", f"-{c}"
                elif self.sort == f"-{c}":
                    h["dir"], nxt = "desc", c
                else:
                    nxt = c
                h["url"] = "?" + urlencode({**params, "sort": nxt})
            headers.append(h)
        ctx = self.base_context(
            rows=rows, page=page, headers=headers, columns=columns, filterset=self.filterset, q=self.q,
            sort=self.sort, per_page=per_page, page_sizes=services.PAGE_SIZES, tree_mode=tree_mode,
            all_columns=[(c, column_label(self.model, c), c in columns) for c in config.list_display],
            query_string=urlencode({**params, **({"sort": self.sort} if self.sort else {})}),
            export_query=urlencode({k: v for k, v in request.GET.items() if k not in ("page", "per_page")}),
            extra_actions=[a for a in config.actions if a.list and (not a.perm or request.user.has_perm(a.perm))],
        )
        if request.headers.get("HX-Request") and _hx_target(request) == "generic-table":
            return render(request, "egov_base/generic/partials/table.html", ctx)
        return render(request, config.list_template or "egov_base/generic/object_list.html", ctx)


def _rel_depth(node, known):
    depth = 0
    path = node.path
    while len(path) > 5:
        path = path[:-5]
        if path in known:
            depth += 1
    return depth


class ObjectColumnsView(GenericView):
    action = "view"

    def post(self, request):
        cols = [c for c in request.POST.getlist("columns") if c in self.config.list_display]
        if request.POST.get("reset"):
            cols = []
        services.list_preference_set(user=request.user, model=self.model, columns=cols,
                                     page_size=request.POST.get("per_page") or None)
        return HttpResponseRedirect(request.POST.get("next") or model_url(self.model, "list"))


class ObjectExportView(GenericView, ListQueryMixin):
    action = "view"

    def check_permission(self, request):
        super().check_permission(request)
        if not self.config.can_export or not _may_export(request.user, self.config):
            _denied(request, self.model, "export")
            raise PermissionDenied

    def get(self, request):
        qs = self.filtered_queryset()
        pref = selectors.preference_get(request.user, self.model)
        columns = selectors.visible_columns(self.config, pref) if request.GET.get("columns") != "all" else list(self.config.list_display)
        fh = export_xlsx(queryset=qs, columns=columns, config=self.config, request=request)
        services.record_event(action="export", obj=None, model=self.model,
                              message=str(self.model._meta.verbose_name_plural),
                              data={"count": fh.row_count, "filters": self.active_filters()})
        return FileResponse(fh, as_attachment=True, filename=export_filename(self.model),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class ObjectDetailView(GenericView):
    action = "view"

    def get(self, request, pk):
        obj = self.get_object(pk)
        tabs = detail_tabs(request, obj)
        active_key = request.GET.get("tab") or "fields"
        active = next((t for t in tabs if t.key == active_key), tabs[0] if tabs else None)
        tab_ctx = {}
        if active is not None and active.context:
            tab_ctx = active.context(request, obj) or {}
        user = request.user
        ctx = self.base_context(
            object=obj, tabs=tabs, active_tab=active, tab_context=tab_ctx,
            fieldsets=selectors.detail_fieldsets(self.config, request, obj) if active and active.key == "fields" else [],
            edit_url=object_url(obj, "edit"), delete_url=object_url(obj, "delete"),
            actions=[a for a in self.config.actions if not a.list and (not a.perm or user.has_perm(a.perm))
                     and (a.condition is None or a.condition(request, obj))],
            comment_url=object_url(obj, "comment"),
        )
        ctx.update(tab_ctx)
        if request.headers.get("HX-Request") and _hx_target(request) == "generic-tab":
            return render(request, active.template, ctx)
        return render(request, self.config.detail_template or "egov_base/generic/object_detail.html", ctx)


class ObjectCommentView(GenericView):
    action = "view"

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            services.comment_add(user=request.user, obj=obj, body=request.POST.get("body", ""),
                                 idempotency_key=request.POST.get("idempotency_key", ""))
            messages.success(request, _("评论已发表。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(object_url(obj) + "?tab=comments")


class ObjectEditView(GenericView):
    """Create (no pk) or edit (pk)."""

    def check_permission(self, request):
        self.action = "change" if self.kwargs.get("pk") is not None else "add"
        allowed = self.config.can_edit if self.action == "change" else self.config.can_add
        if not allowed:
            raise PermissionDenied
        super().check_permission(request)

    def get_form(self, obj=None):
        form_class = build_form_class(self.config)
        kwargs = {"instance": obj, "user": self.request.user}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        elif obj is None:
            kwargs["initial"] = {k: v for k, v in self.request.GET.items() if k in form_class.base_fields}
        return form_class(**kwargs)

    def render_form(self, form, obj):
        return render(self.request, "egov_base/generic/object_edit.html",
                      self.base_context(form=form, object=obj,
                                        cancel_url=object_url(obj) if obj else model_url(self.model, "list")))

    def get(self, request, pk=None):
        obj = self.get_object(pk) if pk is not None else None
        return self.render_form(self.get_form(obj), obj)

    def post(self, request, pk=None):
        obj = self.get_object(pk) if pk is not None else None
        form = self.get_form(obj)
        if form.is_valid():
            try:
                if obj is None:
                    service = self.config.create_service or services.object_create
                    obj = service(user=request.user, form=form)
                    messages.success(request, _g("已创建%(m)s“%(o)s”。") % {"m": self.model._meta.verbose_name, "o": obj})
                else:
                    service = self.config.update_service or services.object_update
                    obj = service(user=request.user, obj=obj, form=form)
                    messages.success(request, _g("已保存%(m)s“%(o)s”。") % {"m": self.model._meta.verbose_name, "o": obj})
            except ValidationError as exc:
                add_service_errors(form, exc)
                if pk is not None:
                    obj = self.get_object(pk)
            else:
                nxt = request.POST.get("next")
                if nxt and nxt.startswith("/") and not nxt.startswith("//"):
                    return HttpResponseRedirect(nxt)
                return HttpResponseRedirect(object_url(obj) or model_url(self.model, "list"))
        return self.render_form(form, obj)


class ObjectDeleteView(GenericView):
    action = "delete"

    def check_permission(self, request):
        if not self.config.can_delete:
            raise PermissionDenied
        super().check_permission(request)

    def get(self, request, pk):
        obj = self.get_object(pk)
        blockers = selectors.delete_blockers(obj)
        return render(request, "egov_base/generic/object_delete.html",
                      self.base_context(object=obj, protected=_describe(blockers) if blockers else None))

    def post(self, request, pk):
        obj = self.get_object(pk)
        service = self.config.delete_service or services.object_delete
        try:
            service(user=request.user, obj=obj)
        except services.DeleteProtected as exc:
            return render(request, "egov_base/generic/object_delete.html",
                          self.base_context(object=obj, protected=_describe(exc.objects)), status=409)
        messages.success(request, _g("已删除%(m)s“%(o)s”。") % {"m": self.model._meta.verbose_name, "o": obj})
        return HttpResponseRedirect(model_url(self.model, "list"))


def _describe(objs):
    return [{"model": o._meta.verbose_name, "label": str(o), "url": object_url(o)} for o in objs]


class ObjectBulkDeleteView(GenericView):
    action = "delete"

    def check_permission(self, request):
        if not self.config.can_delete:
            raise PermissionDenied
        super().check_permission(request)

    def post(self, request):
        pks = [p for p in request.POST.getlist("pk") if p.isdigit()][:1000]
        qs = selectors.base_queryset(self.config, request.user, for_list=False).filter(pk__in=pks)
        if request.POST.get("confirm"):
            try:
                n = services.objects_bulk_delete(user=request.user, queryset=qs)
            except services.DeleteProtected as exc:
                return render(request, "egov_base/generic/bulk_delete.html",
                              self.base_context(objects=list(qs), protected=_describe(exc.objects)), status=409)
            messages.success(request, _g("已删除 %(n)s 条记录。") % {"n": n})
            return HttpResponseRedirect(model_url(self.model, "list"))
        return render(request, "egov_base/generic/bulk_delete.html", self.base_context(objects=list(qs)))


class ObjectImportView(GenericView):
    action = "add"

    def check_permission(self, request):
        if not (self.config.can_import and self.config.can_add):
            raise PermissionDenied
        super().check_permission(request)

    def get(self, request):
        if request.GET.get("template"):
            buf = template_xlsx(self.config)
            return FileResponse(buf, as_attachment=True,
                                filename=f"{self.model._meta.verbose_name}导入模板.xlsx",
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return render(request, "egov_base/generic/object_import.html", self.base_context(**self._help()))

    def _help(self):
        return {"import_columns": [column_label(self.model, n) for n in import_fields(self.config)],
                "import_key_label": column_label(self.model, self.config.import_key) if self.config.import_key else ""}

    def post(self, request):
        upload = request.FILES.get("file")
        ctx = self.base_context(**self._help())
        if upload is None:
            ctx["file_error"] = _("请选择要导入的文件。")
            return render(request, "egov_base/generic/object_import.html", ctx, status=400)
        dry_run = request.POST.get("mode") != "apply"
        valid_only = bool(request.POST.get("valid_only"))
        try:
            result = run_import(config=self.config, user=request.user, upload=upload, dry_run=dry_run,
                                valid_only=valid_only)
        except ImportFileError as exc:
            ctx["file_error"] = str(exc)
            return render(request, "egov_base/generic/object_import.html", ctx, status=400)
        ctx.update(result=result, dry_run=dry_run, valid_only=valid_only)
        if result.applied:
            messages.success(request, _g("导入完成：新增 %(c)s 条，更新 %(u)s 条，跳过错误行 %(e)s 条。") % {
                "c": result.created, "u": result.updated, "e": result.error_count})
        status = 200 if (dry_run or result.applied) else 400
        return render(request, "egov_base/generic/object_import.html", ctx, status=status)
