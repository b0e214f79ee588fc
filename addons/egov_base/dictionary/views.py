"""Backend screens of the dictionary (types, items). The generic registry adds list/export/import too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..scope import scope_queryset
from . import services
from .forms import DictItemForm, DictTypeForm
from .models import DictItem, DictType


def _attach(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


def _types(user):
    return scope_queryset(DictType.objects.all(), user)


@login_required
@permission_required("egov_base.view_dicttype", raise_exception=True)
def dicttype_manage_list(request):
    q = (request.GET.get("q") or "").strip()
    qs = _types(request.user)
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    from django.db.models import Count

    qs = qs.annotate(item_count=Count("items")).order_by("-is_system", "code")
    return render(request, "egov_base/dictionary/type_list.html", {"types": qs, "q": q})


@login_required
@permission_required("egov_base.view_dicttype", raise_exception=True)
def dicttype_manage(request, pk):
    dict_type = get_object_or_404(_types(request.user), pk=pk)
    items = dict_type.items.select_related("parent").order_by("sort", "code")
    return render(request, "egov_base/dictionary/type_detail.html", {
        "dict_type": dict_type, "items": items, "item_form": DictItemForm(dict_type=dict_type),
    })


@login_required
@permission_required("egov_base.add_dicttype", raise_exception=True)
def dicttype_manage_add(request):
    form = DictTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.dict_type_create(user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("字典类型已创建。"))
            return redirect(obj.get_absolute_url())
    return render(request, "egov_base/dictionary/form.html", {"form": form, "title": _("新建字典类型")})


@login_required
@permission_required("egov_base.change_dicttype", raise_exception=True)
def dicttype_manage_edit(request, pk):
    dict_type = get_object_or_404(_types(request.user), pk=pk)
    form = DictTypeForm(request.POST or None, instance=dict_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.dict_type_update(user=request.user, dict_type=dict_type, data=form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(dict_type.get_absolute_url())
    return render(request, "egov_base/dictionary/form.html", {"form": form, "title": _("编辑字典类型"),
                                                               "dict_type": dict_type})


@login_required
@permission_required("egov_base.add_dictitem", raise_exception=True)
def dictitem_manage_add(request, pk):
    dict_type = get_object_or_404(_types(request.user), pk=pk)
    form = DictItemForm(request.POST or None, dict_type=dict_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.dict_item_create(user=request.user, dict_type=dict_type, data=form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("字典项已添加。"))
            return redirect(dict_type.get_absolute_url())
    return render(request, "egov_base/dictionary/form.html", {"form": form, "title": _("新增字典项"),
                                                               "dict_type": dict_type})


def _item(request, pk) -> DictItem:
    return get_object_or_404(scope_queryset(DictItem.objects.select_related("type"), request.user), pk=pk)


@login_required
@permission_required("egov_base.change_dictitem", raise_exception=True)
def dictitem_manage_edit(request, pk):
    item = _item(request, pk)
    form = DictItemForm(request.POST or None, instance=item, dict_type=item.type)
    if request.method == "POST" and form.is_valid():
        try:
            services.dict_item_update(user=request.user, item=item, data=form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(item.type.get_absolute_url())
    return render(request, "egov_base/dictionary/form.html", {"form": form, "title": _("编辑字典项"),
                                                               "dict_type": item.type})


@login_required
@permission_required("egov_base.delete_dictitem", raise_exception=True)
@require_POST
def dictitem_manage_delete(request, pk):
    item = _item(request, pk)
    dict_type = item.type
    try:
        services.dict_item_delete(user=request.user, item=item)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("字典项已删除。"))
    return redirect(dict_type.get_absolute_url())
