"""Content pages: backend management and workflow actions, portal and mobile reading."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..generic.forms import add_service_errors
from . import selectors, services
from .forms import ArticleForm, TransitionForm
from .models import Article


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# --- backend ---------------------------------------------------------------------------------------
@login_required
@permission_required("egov_base.view_article", raise_exception=True)
def article_manage_list(request):
    status = request.GET.get("status") or None
    category = request.GET.get("category") or None
    qs = selectors.article_manage_list(user=request.user, status=status, category=category)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "egov_base/content/manage_list.html", {
        "page": page, "status": status, "category": category,
        "statuses": Article.Status.choices, "categories": Article.Category.choices,
    })


def _get_managed(request, pk) -> Article:
    try:
        return selectors.article_manage_get(user=request.user, pk=pk)
    except Article.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("egov_base.view_article", raise_exception=True)
def article_manage(request, pk):
    article = _get_managed(request, pk)
    return render(request, "egov_base/content/manage_detail.html", {
        "article": article,
        "actions": services.available_actions(user=request.user, article=article),
        "editable": article.status in services.EDITABLE_STATES and request.user.has_perm("egov_base.change_article"),
        "transition_form": TransitionForm(),
    })


@login_required
@permission_required("egov_base.add_article", raise_exception=True)
def article_manage_add(request):
    form = ArticleForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "districts"}
        try:
            article = services.article_create(user=request.user, data=data, districts=form.cleaned_data["districts"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存草稿。"))
            return redirect(article.get_absolute_url())
    return render(request, "egov_base/content/manage_form.html", {"form": form, "article": None})


@login_required
@permission_required("egov_base.change_article", raise_exception=True)
def article_manage_edit(request, pk):
    article = _get_managed(request, pk)
    form = ArticleForm(request.POST or None, request.FILES or None, instance=article, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "districts"}
        try:
            services.article_update(user=request.user, article=article, data=data,
                                    districts=form.cleaned_data["districts"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(article.get_absolute_url())
    return render(request, "egov_base/content/manage_form.html", {"form": form, "article": article})


@login_required
@require_POST
def article_action(request, pk, action):
    article = _get_managed(request, pk)
    if action not in services.ACTIONS:
        raise Http404
    form = TransitionForm(request.POST)
    comment = form.data.get("comment", "")[:500]
    try:
        services.article_transition(user=request.user, article=article, action=action, comment=comment)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        for msg in _errors(exc):
            messages.error(request, msg)
    else:
        messages.success(request, services.ACTIONS[action])
    return redirect(article.get_absolute_url())


# --- portal and mobile -----------------------------------------------------------------------------
def _public_list(request, template, per_page):
    category = request.GET.get("category") or None
    if category and category not in Article.Category.values:
        category = None
    q = (request.GET.get("q") or "").strip()[:50]
    qs = selectors.article_public_list(user=request.user, category=category, q=q)
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "category": category, "q": q,
                                      "categories": Article.Category.choices, "tab": "home"})


def _public_detail(request, pk, template):
    try:
        article = selectors.article_public_get(user=request.user, pk=pk)
    except Article.DoesNotExist:
        raise Http404 from None
    services.article_register_view(article=article)
    return render(request, template, {"article": article, "tab": "home"})


@login_required
def portal_article_list(request):
    return _public_list(request, "egov_base/content/portal_list.html", 15)


@login_required
def portal_article_detail(request, pk):
    return _public_detail(request, pk, "egov_base/content/portal_detail.html")


@login_required
def mobile_article_list(request):
    return _public_list(request, "egov_base/content/mobile_list.html", 20)


@login_required
def mobile_article_detail(request, pk):
    return _public_detail(request, pk, "egov_base/content/mobile_detail.html")
