"""Inbox pages (thin): the 待办/已办/待阅/已阅 page, an HTMX count badge, claim / mark-read actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import selectors, services

BOX_LABELS = [("todo", _("待办")), ("done", _("已办")), ("toread", _("待阅")), ("read", _("已阅"))]


@login_required
def inbox(request):
    box = request.GET.get("box", "todo")
    if box not in selectors.BOXES:
        box = "todo"
    source = request.GET.get("source") or None
    overdue = request.GET.get("overdue") == "1"
    q = (request.GET.get("q") or "").strip()[:100] or None
    qs = selectors.inbox_list(request.user, box, source=source, overdue=overdue, q=q)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    ctx = {
        "box": box, "boxes": BOX_LABELS, "counts": selectors.inbox_counts(request.user), "page": page,
        "sources": selectors.inbox_sources(request.user), "source": source or "", "overdue": overdue, "q": q or "",
    }
    template = "egov_base/inbox/partials/list.html" if request.htmx else "egov_base/inbox/inbox.html"
    return render(request, template, ctx)


@login_required
def badge(request):
    return render(request, "egov_base/inbox/partials/badge.html", {"counts": selectors.inbox_counts(request.user)})


def _task_or_404(request, pk):
    task = selectors.task_for_user(request.user, pk)
    if task is None:
        raise Http404
    return task


@login_required
def open_task(request, pk):
    """Follow a task's link; opening a 待阅 marks it read."""
    task = _task_or_404(request, pk)
    if task.kind == task.Kind.TOREAD and task.assignee_id == request.user.pk:
        services.task_mark_read(task=task, user=request.user)
    target = task.url if task.url and url_has_allowed_host_and_scheme(task.url, allowed_hosts={request.get_host()}) else None
    return HttpResponseRedirect(target or reverse("egov_base:inbox"))


@login_required
@require_POST
def claim(request, pk):
    task = _task_or_404(request, pk)
    try:
        services.task_claim(task=task, user=request.user)
        messages.success(request, _("已认领：%(title)s") % {"title": task.title})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return HttpResponseRedirect(reverse("egov_base:inbox"))


@login_required
@require_POST
def mark_read(request, pk):
    task = _task_or_404(request, pk)
    try:
        services.task_mark_read(task=task, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return HttpResponseRedirect(reverse("egov_base:inbox") + "?box=toread")
