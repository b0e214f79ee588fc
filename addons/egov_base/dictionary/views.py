"""Backend screens of the dictionary (types, items). The generic registry adds list/export/import too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..generic.forms import add_service_errors
from ..scope import scope_queryset
from . import services
from .forms import DictItemForm, DictTypeForm
from .models import DictItem, DictType


def _form_page(request, form, save, *, done, done_url, title, dict_type=None):
    """The create/edit pattern of these screens: validate ``form``, call ``save(cleaned_data)`` (a service) and
    redirect to ``done_url(result)``; a service's ValidationError shows next to the fields."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(done_url(result))
    return render(request, "egov_base/dictionary/form.html", {"form": form, "title": title, "dict_type": dict_type})


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
    return _form_page(
        request, DictTypeForm(request.POST or None),
        lambda data: services.dict_type_create(user=request.user, data=data),
        done=_("字典类型已创建。"), done_url=lambda obj: obj.get_absolute_url(), title=_("新建字典类型"),
    )


@login_required
@permission_required("egov_base.change_dicttype", raise_exception=True)
def dicttype_manage_edit(request, pk):
    dict_type = get_object_or_404(_types(request.user), pk=pk)
    return _form_page(
        request, DictTypeForm(request.POST or None, instance=dict_type),
        lambda data: services.dict_type_update(user=request.user, dict_type=dict_type, data=data),
        done=_("已保存。"), done_url=lambda _r: dict_type.get_absolute_url(), title=_("编辑字典类型"),
        dict_type=dict_type,
    )


@login_required
@permission_required("egov_base.add_dictitem", raise_exception=True)
def dictitem_manage_add(request, pk):
    dict_type = get_object_or_404(_types(request.user), pk=pk)
    return _form_page(
        request, DictItemForm(request.POST or None, dict_type=dict_type),
        lambda data: services.dict_item_create(user=request.user, dict_type=dict_type, data=data),
        done=_("字典项已添加。"), done_url=lambda _r: dict_type.get_absolute_url(), title=_("新增字典项"),
        dict_type=dict_type,
    )


def _item(request, pk) -> DictItem:
    return get_object_or_404(scope_queryset(DictItem.objects.select_related("type"), request.user), pk=pk)


@login_required
@permission_required("egov_base.change_dictitem", raise_exception=True)
def dictitem_manage_edit(request, pk):
    item = _item(request, pk)
    return _form_page(
        request, DictItemForm(request.POST or None, instance=item, dict_type=item.type),
        lambda data: services.dict_item_update(user=request.user, item=item, data=data),
        done=_("已保存。"), done_url=lambda _r: item.type.get_absolute_url(), title=_("编辑字典项"),
        dict_type=item.type,
    )


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
