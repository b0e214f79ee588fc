"""CMDB screens (hand-written where the model is dynamic): CI list per class with attribute filters, saved queries
and Excel export; CI detail with tabs; the CI form generated from the class; the class designer; the import
wizard. Thin views: reads through selectors (scoped), writes through services."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov_base.generic.registry import detail_tabs

from . import selectors, services
from .filters import OPS, ops_for, parse_query, to_query
from .forms import (
    AttributeDefForm,
    CIClassForm,
    CIForm,
    ImportUploadForm,
    RelationAddForm,
    SavedQueryForm,
)
from .models import CI, AttributeDef, CIClass, CIImportJob, CIVersion, Relation, RelationType, SavedQuery
from .services.importer import import_columns, import_start_run, import_upload, key_choices, template_xlsx
from .services.values import display_value, resolve_refs

PAGE_SIZES = (20, 50, 100)
EXPORT_MAX = 100_000
BUILTIN_TAB_EXCLUDE = {"fields", "history", "comments"}


def _need(request, *perms):
    for p in perms:
        if not request.user.has_perm(p):
            raise PermissionDenied


def _is_htmx(request, target: str) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target", "").split("#")[-1] == target


def _safe_next(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt.startswith("/") and not nxt.startswith("//") else default


def _error_text(exc) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for errs in exc.message_dict.values() for m in errs)
    return "；".join(exc.messages)


# ------------------------------------------------------------------------------------------ CI list
def _class_or_404(code):
    return get_object_or_404(CIClass.objects.select_related("parent"), code=code)


def _list_state(request, ci_class):
    """Filters, columns, sort and page size of a list request (a saved query fills the defaults)."""
    params = request.GET
    saved = None
    if params.get("query"):
        saved = SavedQuery.objects.filter(pk=params.get("query"), ci_class=ci_class).first()
        if saved and not (saved.user_id == request.user.pk or saved.shared):
            saved = None
    filters = saved.filters if saved and not any(k in params for k in ("q", "c", "status", "organization",
                                                                       "lifecycle")) else parse_query(params)
    chosen = params.getlist("col") or (saved.columns if saved else None)
    sort = params.get("sort", "")
    try:
        per_page = int(params.get("per_page", 20))
    except ValueError:
        per_page = 20
    if per_page not in PAGE_SIZES:
        per_page = 20
    return filters, chosen, sort, per_page, saved


@login_required
def ci_home(request):
    """All CIs the user may see, with the class tree."""
    return ci_list(request, code=None)


@login_required
def ci_list(request, code=None):
    _need(request, "egov_cmdb.view_ci")
    ci_class = _class_or_404(code) if code else None
    filters, chosen, sort, per_page, saved = _list_state(request, ci_class)
    attrs_def = {a.code: a for a in ci_class.all_attributes()} if ci_class else {}
    qs, errors = selectors.ci_list(user=request.user, ci_class=ci_class, filters=filters, attrs_def=attrs_def,
                                   sort=sort)
    if ci_class is not None:
        columns, all_columns = selectors.list_columns(ci_class, chosen)
    else:
        columns, all_columns = _home_columns()
    if ci_class is None or ci_class.is_abstract or ci_class.children.exists():
        if not any(c["key"] == "ci_class" for c in columns):
            columns.insert(2, {"key": "ci_class", "label": _("类"), "attr": None})
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    rows = selectors.row_cells(list(page.object_list), columns)
    query_pairs = to_query(filters) + [("col", c["key"]) for c in columns if chosen]
    query_string = urlencode(query_pairs)
    sort_links = []
    for c in columns:
        key = c["key"]
        if key == "ci_class" or (c["attr"] is not None and c["attr"].multi):
            sort_links.append(None)
            continue
        direction = "asc" if sort == key else ("desc" if sort == f"-{key}" else "")
        nxt = f"-{key}" if sort == key else key
        sort_links.append({"url": "?" + urlencode([*query_pairs, ("sort", nxt), ("per_page", per_page)]),
                           "dir": direction})
    ctx = {
        "ci_class": ci_class, "rows": rows, "columns": list(zip(columns, sort_links, strict=True)), "page": page,
        "per_page": per_page, "page_sizes": PAGE_SIZES, "query_string": query_string, "sort": sort,
        "filters": filters, "errors": errors, "saved": saved,
    }
    if _is_htmx(request, "ci-table"):
        return render(request, "egov_cmdb/partials/ci_table.html", ctx)
    from egov_base.scope import allowed_organizations

    attr_options = [{"code": a.code, "label": a.label, "type": a.type, "ops": [(o, str(OPS[o])) for o in ops_for(a)],
                     "choices": _choices_for(a)} for a in attrs_def.values()]
    ctx.update({
        "tree": selectors.flat_tree(user=request.user),
        "all_columns": all_columns,
        "attr_options": attr_options,
        "conds": filters.get("conds") or [],
        "organizations": allowed_organizations(request.user).filter(is_active=True).order_by("path")
        .only("pk", "name", "depth") if hasattr(allowed_organizations(request.user).model, "depth")
        else allowed_organizations(request.user).filter(is_active=True).only("pk", "name"),
        "statuses": CI.Status.choices, "lifecycles": CI.Lifecycle.choices,
        "saved_queries": selectors.saved_queries(user=request.user, ci_class=ci_class) if ci_class else [],
        "saved_form": SavedQueryForm(),
        "can_add": request.user.has_perm("egov_cmdb.add_ci") and ci_class is not None and not ci_class.is_abstract,
        "can_export": request.user.has_perm("egov_cmdb.export_ci") and ci_class is not None,
        "can_import": request.user.has_perm("egov_cmdb.import_ci") and ci_class is not None
        and not ci_class.is_abstract,
        "export_query": urlencode([*to_query(filters), *[("col", c["key"]) for c in columns], ("sort", sort)]),
    })
    return render(request, "egov_cmdb/ci_list.html", ctx)


def _home_columns():
    fixed = [("code", _("内部标识")), ("name", _("名称")), ("ci_class", _("类")), ("organization", _("管理部门")),
             ("status", _("运行状态")), ("lifecycle", _("生命周期")), ("updated_at", _("更新时间"))]
    cols = [{"key": k, "label": lbl, "attr": None, "checked": True} for k, lbl in fixed]
    return list(cols), cols


def _choices_for(attr):
    if attr.type == "enum" and attr.dict_type:
        from egov_base.dictionary.selectors import dict_choices

        return [[c, str(lbl)] for c, lbl in dict_choices(attr.dict_type)]
    if attr.type == "bool":
        return [["true", _("是")], ["false", _("否")]]
    return []


@login_required
def ci_export(request, code):
    """Excel export of the filtered list (chosen columns), audited."""
    _need(request, "egov_cmdb.view_ci", "egov_cmdb.export_ci")
    import xlsxwriter

    from egov_base.audit.services import record_event

    ci_class = _class_or_404(code)
    filters, chosen, sort, _pp, _saved = _list_state(request, ci_class)
    attrs_def = {a.code: a for a in ci_class.all_attributes()}
    qs, errors = selectors.ci_list(user=request.user, ci_class=ci_class, filters=filters, attrs_def=attrs_def,
                                   sort=sort)
    if request.GET.get("columns") == "all":
        chosen = None
        columns = [c for c in selectors.list_columns(ci_class, None)[1]]
    else:
        columns, _all = selectors.list_columns(ci_class, chosen)
    total = qs.count()
    if total > EXPORT_MAX:
        messages.error(request, _("结果超过 %(n)s 条，请缩小查询范围后再导出。") % {"n": f"{EXPORT_MAX:,}"})
        return redirect(reverse("egov_cmdb:ci_list", args=[code]) + "?" + urlencode(to_query(filters)))
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet(str(ci_class.label)[:31])
    head = wb.add_format({"bold": True, "bg_color": "#E8F0FE", "border": 1})
    for c, col in enumerate(columns):
        ws.write(0, c, str(col["label"]), head)
        ws.set_column(c, c, 18 if col["key"] != "name" else 28)
    r = 1
    for start in range(0, total, 2000):
        chunk = list(qs[start:start + 2000])
        for row in selectors.row_cells(chunk, columns):
            for c, cell in enumerate(row["cells"]):
                ws.write(r, c, str(cell["value"]) if cell["value"] is not None else "")
            r += 1
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r - 1, 0), max(len(columns) - 1, 0))
    wb.close()
    record_event(action="export", model=CI, message=_("导出%(cls)s %(n)s 条") % {"cls": ci_class.label, "n": total},
                 data={"count": total, "filters": filters, "class": ci_class.code})
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    from django.utils.http import content_disposition_header

    resp["Content-Disposition"] = content_disposition_header(True, f"{ci_class.name}_{stamp}.xlsx")
    return resp


@login_required
@require_POST
def saved_query_save(request, code):
    _need(request, "egov_cmdb.view_ci", "egov_cmdb.add_savedquery")
    ci_class = _class_or_404(code)
    form = SavedQueryForm(request.POST)
    back = reverse("egov_cmdb:ci_list", args=[code])
    if not form.is_valid():
        messages.error(request, _("请填写查询名称。"))
        return redirect(back)
    filters = parse_query(request.POST)
    columns = request.POST.getlist("col")
    name = form.cleaned_data["name"].strip()
    try:
        sq, _created = SavedQuery.objects.update_or_create(
            user=request.user, ci_class=ci_class, name=name,
            defaults={"filters": filters, "columns": columns, "shared": form.cleaned_data["shared"]})
    except IntegrityError:
        sq = SavedQuery.objects.get(user=request.user, ci_class=ci_class, name=name)
    messages.success(request, _("已保存查询“%(n)s”。") % {"n": name})
    return redirect(f"{back}?query={sq.pk}")


@login_required
@require_POST
def saved_query_delete(request, pk):
    sq = get_object_or_404(SavedQuery, pk=pk, user=request.user)
    code = sq.ci_class.code
    sq.delete()
    messages.success(request, _("已删除查询“%(n)s”。") % {"n": sq.name})
    return redirect("egov_cmdb:ci_list", code=code)


# ------------------------------------------------------------------------------------------ CI detail
TABS = [("attrs", _("属性")), ("relations", _("关系")), ("versions", _("变更历史"))]


def _detail_tabs(request, ci):
    tabs = [{"key": k, "label": lbl, "template": f"egov_cmdb/partials/tab_{k}.html", "context": None}
            for k, lbl in TABS]
    for t in detail_tabs(request, ci):
        if t.key in BUILTIN_TAB_EXCLUDE:
            continue
        tabs.append({"key": t.key, "label": t.label, "template": t.template, "context": t.context})
    return tabs


def _tab_context(request, ci, key):
    if key == "attrs":
        groups = selectors.attributes_by_group(ci.ci_class)
        attrs = [a for _g, _l, items in groups for a in items]
        refs = resolve_refs(attrs, [ci.attrs])
        return {"groups": [(code, label, [(a, display_value(a, ci.attrs.get(a.code), refs=refs)) for a in items])
                           for code, label, items in groups]}
    if key == "relations":
        rel = selectors.ci_relations(user=request.user, ci=ci)
        form = RelationAddForm()
        usable = {rt.pk for d in ("out", "in") for rt in selectors.relation_types_for(ci, direction=d)}
        form.fields["type"].queryset = RelationType.objects.filter(pk__in=usable).order_by("sort", "code")
        return {**rel, "relation_form": form, "can_add_relation":
                request.user.has_perm("egov_cmdb.add_relation"),
                "can_delete_relation": request.user.has_perm("egov_cmdb.delete_relation")}
    if key == "versions":
        versions = selectors.ci_versions(ci=ci)
        labels = _diff_labels(ci)
        rel_names = {rt.code: rt for rt in RelationType.objects.all()}
        rows = []
        for v in versions:
            rows.append({"v": v, "changes": [{"label": labels.get(k) or _relation_label(k, rel_names),
                                              "old": _fmt(o), "new": _fmt(n)} for k, (o, n) in (v.diff or {}).items()]})
        return {"versions": rows, "can_restore": request.user.has_perm("egov_cmdb.restore_civersion")
                and request.user.has_perm("egov_cmdb.change_ci")}
    return {}


def _relation_label(key: str, rel_names: dict) -> str:
    if ":" not in key:
        return key
    kind, code = key.split(":", 1)
    rt = rel_names.get(code)
    if kind == "relation":
        return _("关系“%(r)s”的目标") % {"r": rt.label if rt else code}
    if kind == "relation_in":
        return _("关系“%(r)s”的源") % {"r": rt.label if rt else code}
    return key


def _diff_labels(ci) -> dict:
    labels = {"code": _("内部标识"), "name": _("名称"), "organization": _("管理部门"), "owner": _("负责人"),
              "status": _("运行状态"), "lifecycle": _("生命周期"), "description": _("备注")}
    for a in ci.ci_class.all_attributes():
        labels[a.code] = a.label
    return labels


def _fmt(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@login_required
def ci_detail(request, pk):
    _need(request, "egov_cmdb.view_ci")
    ci = selectors.ci_get(user=request.user, pk=pk)
    tabs = _detail_tabs(request, ci)
    key = request.GET.get("tab") or "attrs"
    active = next((t for t in tabs if t["key"] == key), tabs[0])
    ctx = {"object": ci, "ci": ci, "tabs": tabs, "active_tab": active}
    if active["context"] is not None:
        ctx.update(active["context"](request, ci) or {})
    else:
        ctx.update(_tab_context(request, ci, active["key"]))
    if _is_htmx(request, "ci-tab"):
        return render(request, active["template"], ctx)
    from egov_base.workflow import available_transitions

    order = ["stock", "go_live", "start_maintenance", "end_maintenance", "unstock", "retire"]
    transitions = available_transitions(ci, request.user) if request.user.has_perm("egov_cmdb.lifecycle_ci") else []
    transitions.sort(key=lambda t: order.index(t.name) if t.name in order else len(order))
    ctx.update({
        "transitions": transitions,
        "can_change": request.user.has_perm("egov_cmdb.change_ci"),
        "can_delete": request.user.has_perm("egov_cmdb.delete_ci"),
        "statuses": CI.Status.choices,
        "lineage": ci.ci_class.ancestors() + [ci.ci_class],
        "breadcrumbs": [{"label": _("配置项"), "url": reverse("egov_cmdb:ci_home")},
                        {"label": ci.ci_class.label, "url": reverse("egov_cmdb:ci_list", args=[ci.ci_class.code])},
                        {"label": ci.name, "url": ""}],
    })
    return render(request, "egov_cmdb/ci_detail.html", ctx)


@login_required
def ci_add(request, code):
    _need(request, "egov_cmdb.add_ci")
    ci_class = _class_or_404(code)
    if ci_class.is_abstract:
        messages.error(request, _("“%(c)s”是抽象类，请选择它的子类新建配置项。") % {"c": ci_class.label})
        return redirect("egov_cmdb:ci_list", code=code)
    form = CIForm(request.POST or None, ci_class=ci_class, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ci = services.ci_create(user=request.user, ci_class=ci_class, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已创建配置项“%(n)s”。") % {"n": ci.name})
            return redirect(ci.get_absolute_url())
    return render(request, "egov_cmdb/ci_form.html", {"form": form, "ci_class": ci_class, "object": None})


@login_required
def ci_edit(request, pk):
    _need(request, "egov_cmdb.change_ci")
    ci = selectors.ci_get(user=request.user, pk=pk)
    form = CIForm(request.POST or None, ci_class=ci.ci_class, user=request.user, instance=ci)
    if request.method == "POST" and form.is_valid():
        try:
            services.ci_update(user=request.user, ci=ci, data=form.service_data(), replace_attrs=True)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存配置项“%(n)s”。") % {"n": ci.name})
            return redirect(ci.get_absolute_url())
    return render(request, "egov_cmdb/ci_form.html", {"form": form, "ci_class": ci.ci_class, "object": ci})


@login_required
@require_POST
def ci_delete(request, pk):
    _need(request, "egov_cmdb.delete_ci")
    ci = selectors.ci_get(user=request.user, pk=pk)
    code = ci.ci_class.code
    services.ci_delete(user=request.user, ci=ci)
    messages.success(request, _("已删除配置项“%(n)s”。") % {"n": ci.name})
    return redirect("egov_cmdb:ci_list", code=code)


@login_required
@require_POST
def ci_restore(request, pk, version):
    _need(request, "egov_cmdb.change_ci", "egov_cmdb.restore_civersion")
    ci = selectors.ci_get(user=request.user, pk=pk)
    try:
        services.ci_restore_version(user=request.user, ci=ci, version=version)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已恢复到版本 %(v)s（生成新版本 %(n)s）。") % {"v": version, "n": ci.version})
    return redirect(reverse("egov_cmdb:ci_detail", args=[pk]) + "?tab=versions")


@login_required
@require_POST
def ci_transition(request, pk, name):
    _need(request, "egov_cmdb.lifecycle_ci")
    ci = selectors.ci_get(user=request.user, pk=pk)
    try:
        services.ci_transition(user=request.user, ci=ci, name=name, comment=request.POST.get("comment", "")[:255])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except ValueError:
        messages.error(request, _("不支持的操作。"))
    else:
        messages.success(request, _("生命周期已变更为“%(s)s”。") % {"s": ci.get_lifecycle_display()})
    return redirect(ci.get_absolute_url())


@login_required
@require_POST
def ci_status(request, pk):
    _need(request, "egov_cmdb.change_ci")
    ci = selectors.ci_get(user=request.user, pk=pk)
    try:
        services.ci_set_status(user=request.user, ci=ci, status=request.POST.get("status", ""),
                               reason=request.POST.get("reason", "")[:255])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("运行状态已设为“%(s)s”。") % {"s": ci.get_status_display()})
    return redirect(_safe_next(request, ci.get_absolute_url()))


def _resolve_other(user, text: str):
    text = (text or "").strip()
    qs = selectors.ci_queryset_for(user)
    hit = qs.filter(code=text).first()
    if hit is None and "（" in text and text.endswith("）"):  # "名称（编码）" from the suggestions
        hit = qs.filter(code=text.rsplit("（", 1)[1][:-1]).first()
    if hit is None:
        found = list(qs.filter(name=text)[:2])
        hit = found[0] if len(found) == 1 else None
    return hit


@login_required
@require_POST
def relation_add(request, pk):
    _need(request, "egov_cmdb.add_relation")
    ci = selectors.ci_get(user=request.user, pk=pk)
    form = RelationAddForm(request.POST)
    back = reverse("egov_cmdb:ci_detail", args=[pk]) + "?tab=relations"
    if not form.is_valid():
        messages.error(request, _("请选择关系类型并填写对端配置项。"))
        return redirect(back)
    other = _resolve_other(request.user, form.cleaned_data["other"])
    if other is None:
        messages.error(request, _("找不到配置项“%(t)s”（或不在您的数据范围内）。") % {"t": form.cleaned_data["other"]})
        return redirect(back)
    source, target = (ci, other) if form.cleaned_data["direction"] == "out" else (other, ci)
    try:
        services.relation_create(user=request.user, type=form.cleaned_data["type"], source=source, target=target,
                                 description=form.cleaned_data.get("description", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已建立关系：%(s)s %(r)s %(t)s。") % {
            "s": source.name, "r": form.cleaned_data["type"].label, "t": target.name})
    return redirect(back)


@login_required
@require_POST
def relation_delete(request, pk):
    _need(request, "egov_cmdb.delete_relation")
    visible = selectors.ci_queryset_for(request.user).values("pk")
    rel = get_object_or_404(Relation.objects.select_related("source", "target", "type")
                            .filter(source__in=visible, target__in=visible), pk=pk)
    services.relation_delete(user=request.user, relation=rel)
    messages.success(request, _("已删除关系。"))
    return redirect(_safe_next(request, reverse("egov_cmdb:ci_detail", args=[rel.source_id]) + "?tab=relations"))


@login_required
def ci_lookup(request):
    """Suggestions for the relation dialog and reference fields: ``<option>`` rows (HTMX) or JSON."""
    _need(request, "egov_cmdb.view_ci")
    ids = None
    if request.GET.get("cls"):
        try:
            ids = CIClass.descendant_ids_of([int(request.GET["cls"])])
        except ValueError:
            ids = None
    term = request.GET.get("q") or request.GET.get("other") or ""
    items = selectors.ci_search(user=request.user, term=term, ci_class_ids=ids)
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [{"id": c.pk, "code": c.code, "name": c.name, "class": c.ci_class.label}
                                         for c in items]})
    return render(request, "egov_cmdb/partials/ci_options.html", {"items": items})


# ------------------------------------------------------------------------------------------ class designer
@login_required
def class_designer(request):
    _need(request, "egov_cmdb.view_ciclass")
    tree = selectors.flat_tree(user=request.user)
    selected = None
    if request.GET.get("cls"):
        selected = CIClass.objects.filter(pk=request.GET.get("cls")).select_related("parent").first()
    if selected is None and tree:
        selected = tree[0]["cls"]
    ctx = {"tree": tree, "selected": selected,
           "can_design": request.user.has_perm("egov_cmdb.design_ciclass")}
    if selected is not None:
        lineage = selected.lineage_ids()
        groups = selectors.attributes_by_group(selected)
        ctx.update({"groups": groups, "lineage": selected.ancestors(),
                    "children": list(selected.children.all()), "own_class_id": selected.pk,
                    "ci_count": CI.objects.filter(ci_class_id__in=selected.descendant_ids()).count(),
                    "lineage_ids": lineage})
    return render(request, "egov_cmdb/class_designer.html", ctx)


def _designer_url(cls_id):
    return reverse("egov_cmdb:class_designer") + (f"?cls={cls_id}" if cls_id else "")


@login_required
def class_edit(request, pk=None):
    _need(request, "egov_cmdb.design_ciclass")
    instance = get_object_or_404(CIClass, pk=pk) if pk else None
    initial = {}
    if instance is None and request.GET.get("parent"):
        initial["parent"] = request.GET.get("parent")
    form = CIClassForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.cleaned_data}
        try:
            obj = services.class_save(user=request.user, data=data, instance=instance)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存配置项类“%(n)s”。") % {"n": obj.name})
            return redirect(_designer_url(obj.pk))
    return render(request, "egov_cmdb/class_form.html", {"form": form, "object": instance})


@login_required
@require_POST
def class_delete(request, pk):
    _need(request, "egov_cmdb.design_ciclass")
    obj = get_object_or_404(CIClass, pk=pk)
    try:
        services.class_delete(user=request.user, ci_class=obj)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_designer_url(pk))
    messages.success(request, _("已删除配置项类“%(n)s”。") % {"n": obj.name})
    return redirect(_designer_url(obj.parent_id))


def _form_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for e in errs:
                form.add_error(field if field in form.fields else None, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


@login_required
def attribute_edit(request, cls_pk=None, pk=None):
    _need(request, "egov_cmdb.design_ciclass")
    instance = get_object_or_404(AttributeDef.objects.select_related("ci_class"), pk=pk) if pk else None
    ci_class = instance.ci_class if instance else get_object_or_404(CIClass, pk=cls_pk)
    form = AttributeDefForm(request.POST or None, instance=instance,
                            initial=None if instance else {"group": request.GET.get("group", "custom")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            obj = services.attribute_save(user=request.user, ci_class=ci_class, data=data, instance=instance)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存属性“%(n)s”。") % {"n": obj.name})
            return redirect(_designer_url(ci_class.pk))
    return render(request, "egov_cmdb/attribute_form.html", {"form": form, "object": instance, "ci_class": ci_class})


@login_required
@require_POST
def attribute_delete(request, pk):
    _need(request, "egov_cmdb.design_ciclass")
    obj = get_object_or_404(AttributeDef.objects.select_related("ci_class"), pk=pk)
    cls_id = obj.ci_class_id
    services.attribute_delete(user=request.user, attribute=obj)
    messages.success(request, _("已删除属性“%(n)s”。") % {"n": obj.name})
    return redirect(_designer_url(cls_id))


# ------------------------------------------------------------------------------------------ import wizard
@login_required
def import_start(request):
    _need(request, "egov_cmdb.import_ci")
    initial = {}
    if request.GET.get("cls"):
        initial["ci_class"] = CIClass.objects.filter(code=request.GET["cls"]).first()
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_upload(user=request.user, ci_class=form.cleaned_data["ci_class"],
                                upload=form.cleaned_data["file"], organization=form.cleaned_data["organization"])
        except ValidationError as exc:
            form.add_error("file", _error_text(exc))
        else:
            return redirect("egov_cmdb:import_map", pk=job.pk)
    jobs = CIImportJob.objects.filter(user=request.user).select_related("ci_class").defer("content")[:10]
    return render(request, "egov_cmdb/import_start.html", {"form": form, "jobs": jobs})


@login_required
def import_map(request, pk):
    _need(request, "egov_cmdb.import_ci")
    job = get_object_or_404(CIImportJob.objects.select_related("ci_class"), pk=pk, user=request.user)
    columns = import_columns(job.ci_class)
    if request.method == "POST" and job.status != CIImportJob.Status.DONE:
        mapping = {str(i): request.POST.get(f"map_{i}", "") for i in range(len(job.headers))}
        dry_run = request.POST.get("mode") != "apply"
        job = import_start_run(user=request.user, job=job, mapping=mapping,
                               key_field=request.POST.get("key_field") or "code", dry_run=dry_run)
        if job.status == CIImportJob.Status.RUNNING:
            messages.info(request, _("文件较大，正在后台处理，完成后本页自动刷新。"))
        elif job.status == CIImportJob.Status.DONE:
            messages.success(request, _("导入完成：新增 %(c)s 条，更新 %(u)s 条，无变化 %(n)s 条。") % {
                "c": job.created, "u": job.updated, "n": job.unchanged})
        elif job.errors:
            messages.error(request, _("有 %(n)s 处错误，未写入任何数据。请修正文件后重新上传，或调整列映射。")
                           % {"n": len(job.errors)})
        else:
            messages.info(request, _("试导入通过：将新增 %(c)s 条，更新 %(u)s 条，无变化 %(n)s 条。确认无误后点击“确认导入”。")
                          % {"c": job.created, "u": job.updated, "n": job.unchanged})
        return redirect("egov_cmdb:import_map", pk=job.pk)
    preview = []
    try:
        from .services.importer import _rows

        preview = _rows(job)[:5]
    except Exception:  # noqa: BLE001  (a stored file that no longer parses shows no preview)
        preview = []
    return render(request, "egov_cmdb/import_map.html", {
        "job": job, "columns": columns, "headers": list(enumerate(job.headers)),
        "mapping": job.mapping, "keys": key_choices(job.ci_class), "preview": preview,
        "done": job.status == CIImportJob.Status.DONE, "running": job.status == CIImportJob.Status.RUNNING,
    })


@login_required
def import_template(request, code):
    _need(request, "egov_cmdb.import_ci")
    ci_class = _class_or_404(code)
    from django.utils.http import content_disposition_header

    resp = HttpResponse(template_xlsx(ci_class),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = content_disposition_header(True, f"{ci_class.name}_导入模板.xlsx")
    return resp


@login_required
def version_detail(request, pk, version):
    """JSON snapshot of one version (for comparing)."""
    _need(request, "egov_cmdb.view_civersion")
    ci = selectors.ci_get(user=request.user, pk=pk)
    v = get_object_or_404(CIVersion, ci=ci, version=version)
    return JsonResponse({"version": v.version, "data": v.data, "diff": v.diff, "source": v.source},
                        json_dumps_params={"ensure_ascii": False})



