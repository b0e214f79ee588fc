"""Workflow pages (thin): process trace partial, FSM transition POST, approval panel/act, chain designer."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..scope import scope_queryset
from . import selectors
from .approval import ACTION_LABELS, approval_act, chain_save
from .fsm import available_transitions, run_transition
from .models import ApprovalChain, ApprovalInstance, ApprovalNode


def _messages_of(exc):
    return "；".join(str(m) for m in getattr(exc, "messages", [str(exc)]))


def scoped_object(request, ct_id, pk):
    """The object behind (content type, pk), fetched through the scoped queryset; 404 outside the scope,
    403 without the model's view permission."""
    ct = get_object_or_404(ContentType, pk=ct_id)
    model = ct.model_class()
    if model is None:
        raise Http404
    if not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise PermissionDenied
    obj = scope_queryset(model._default_manager.all(), request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _back(request, obj=None):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    if obj is not None and hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return reverse("egov_base:inbox")


@login_required
def trace(request, ct_id, pk):
    obj = scoped_object(request, ct_id, pk)
    return render(request, "egov_base/workflow/partials/trace.html",
                  {"object": obj, "trace": selectors.process_trace(obj)})


@login_required
@require_POST
def do_transition(request, ct_id, pk, name):
    """POST a transition (buttons from ``available_transitions``); comment in ``comment``."""
    obj = scoped_object(request, ct_id, pk)
    try:
        run_transition(obj, name, user=request.user, comment=request.POST.get("comment", "").strip()[:2000],
                       attachments=request.FILES.getlist("attachments"))
        messages.success(request, _("操作成功。"))
    except ValueError:
        raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages_of(exc))
    return HttpResponseRedirect(_back(request, obj))


def approval_panel_context(request, obj):
    """Context of ``egov_base/workflow/partials/approval_panel.html`` for a detail page."""
    instance = selectors.approval_current(obj)
    steps = list(instance.steps.select_related("assignee", "actor", "transferred_from")) if instance else []
    mine = [s for s in steps if s.status == "pending" and s.assignee_id == request.user.pk]
    node = instance.nodes[mine[0].node_index] if mine else None
    return {
        "object": obj, "instance": instance, "steps": steps, "my_step": mine[0] if mine else None, "node": node,
        "node_actions": [(a, ACTION_LABELS[a]) for a in (node.get("actions") or []) if a in ACTION_LABELS] if node else [],
        "transitions": available_transitions(obj, request.user) if hasattr(obj, "available_transitions") else [],
        "ct_id": ContentType.objects.get_for_model(type(obj)).pk,
        # an HTMX-loaded panel sends the user back to the page that embeds it
        "next_url": request.headers.get("HX-Current-URL") or request.get_full_path(),
    }


@login_required
def approval_panel(request, ct_id, pk):
    obj = scoped_object(request, ct_id, pk)
    return render(request, "egov_base/workflow/partials/approval_panel.html", approval_panel_context(request, obj))


@login_required
@require_POST
def approval_do(request, instance_id):
    instance = scope_queryset(ApprovalInstance.objects.all(), request.user).filter(pk=instance_id).first()
    if instance is None:
        # assignees outside the applicant's data scope may still act on their own step
        instance = ApprovalInstance.objects.filter(pk=instance_id, steps__assignee=request.user).distinct().first()
    if instance is None:
        raise Http404
    action = request.POST.get("action", "")
    form_data = {k[5:]: v for k, v in request.POST.items() if k.startswith("form_")}
    transfer_to = None
    if action == "transfer":
        from egov_base.org.models import User

        transfer_to = User.objects.filter(pk=request.POST.get("transfer_to") or 0, is_active=True).first()
    try:
        approval_act(instance=instance, user=request.user, action=action,
                     comment=request.POST.get("comment", "").strip()[:2000], form_data=form_data,
                     transfer_to=transfer_to, attachments=request.FILES.getlist("attachments"))
        messages.success(request, _("已%(action)s。") % {"action": ACTION_LABELS.get(action, action)})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages_of(exc))
    return HttpResponseRedirect(_back(request, instance.obj))


# --- designer ---------------------------------------------------------------------------------------

@login_required
@permission_required("egov_base.view_approvalchain", raise_exception=True)
def chain_list(request):
    chains = ApprovalChain.objects.select_related("content_type").prefetch_related("nodes")
    return render(request, "egov_base/workflow/chain_list.html", {"chains": chains})


def _designer_context(chain, nodes, data, errors=None):
    from egov_base.org.models import Role, User

    return {
        "chain": chain, "data": data, "nodes": nodes, "errors": errors or [],
        "assignee_labels": {k: str(v) for k, v in ApprovalNode.Assignee.choices},
        "roles": Role.objects.order_by("sort", "code"),
        "assignee_types": ApprovalNode.Assignee.choices, "countersign_choices": ApprovalNode.Countersign.choices,
        "actions": ApprovalNode.ACTIONS, "field_types": ApprovalNode.FIELD_TYPES,
        "content_types": ContentType.objects.exclude(app_label__in=["admin", "auth", "contenttypes", "sessions"]).order_by("app_label", "model"),
        "users": [{"id": u.pk, "name": f"{u.name}（{u.username}）"} for u in
                  User.objects.filter(is_active=True).only("pk", "name", "username").order_by("username")[:2000]],
    }


@login_required
def chain_edit(request, pk=None):
    perm = "egov_base.change_approvalchain" if pk else "egov_base.add_approvalchain"
    if not request.user.has_perm(perm):
        raise PermissionDenied
    chain = get_object_or_404(ApprovalChain, pk=pk) if pk else None
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("code", "name", "description", "content_type")}
        data["active"] = request.POST.get("active") == "on"
        data["content_type"] = int(data["content_type"]) if data["content_type"].isdigit() else None
        try:
            nodes = json.loads(request.POST.get("nodes") or "[]")
            if not isinstance(nodes, list):
                raise ValueError
        except ValueError:
            nodes = []
            errors = [_("节点数据格式不正确。")]
        else:
            try:
                chain = chain_save(user=request.user, chain=chain, data=data, nodes=nodes)
                messages.success(request, _("审批流程已保存为第 %(v)d 版。") % {"v": chain.version})
                return HttpResponseRedirect(reverse("egov_base:approval_chain_edit", args=[chain.pk]))
            except ValidationError as exc:
                errors = exc.messages
        return render(request, "egov_base/workflow/chain_edit.html", _designer_context(chain, nodes, data, errors),
                      status=400)
    data = ({"code": chain.code, "name": chain.name, "description": chain.description, "active": chain.active,
             "content_type": chain.content_type_id} if chain else {"active": True})
    nodes = chain.snapshot() if chain else []
    return render(request, "egov_base/workflow/chain_edit.html", _designer_context(chain, nodes, data))


@login_required
@permission_required("egov_base.view_approvalchain", raise_exception=True)
def chain_preview(request, pk):
    chain = get_object_or_404(ApprovalChain, pk=pk)
    return render(request, "egov_base/workflow/partials/chain_preview.html",
                  {"chain": chain, "nodes": chain.snapshot(), "labels": dict(ApprovalNode.Assignee.choices),
                   "action_labels": ACTION_LABELS})
