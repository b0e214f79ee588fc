"""Message centre, preferences, and the backend screens (templates, delivery log, statistics)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..scope import scope_queryset
from . import selectors, services
from .forms import DeliveryFilterForm, PreferenceForm, TemplateForm
from .models import Channel, Delivery, Message, NotificationTemplate
from .registry import events, get_event


def _query_without_page(request) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


def _page(request, qs, per_page=20):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


# --- message centre ------------------------------------------------------------------------------------
@login_required
def message_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = _page(request, selectors.message_list(user=request.user, unread_only=unread_only))
    return render(request, "egov_base/notify/message_list.html", {
        "page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user),
    })


@login_required
def message_open(request, pk: int):
    msg = get_object_or_404(Message, pk=pk, recipient=request.user)
    services.message_mark_read(user=request.user, message=msg)
    if msg.url and url_has_allowed_host_and_scheme(msg.url, allowed_hosts={request.get_host()}):
        return redirect(msg.url)
    return redirect("egov_base:notify_messages")


@login_required
@require_POST
def message_read(request, pk: int):
    msg = get_object_or_404(Message, pk=pk, recipient=request.user)
    services.message_mark_read(user=request.user, message=msg)
    if request.htmx:
        msg.refresh_from_db()
        row = render_to_string("egov_base/notify/partials/message_row.html", {"m": msg}, request=request)
        state = render_to_string("egov_base/notify/partials/unread_state.html",
                                 {"unread": selectors.unread_count(request.user), "oob": True}, request=request)
        resp = HttpResponse(row + state)
        resp["HX-Trigger"] = "notify-changed"  # the header bell (#notify-badge) refreshes itself
        return resp
    return redirect(request.POST.get("next") or "egov_base:notify_messages")


@login_required
@require_POST
def message_read_all(request):
    n = services.message_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": n})
    return redirect("egov_base:notify_messages")


@login_required
def badge(request):
    return render(request, "egov_base/notify/partials/badge.html", {"unread": selectors.unread_count(request.user)})


@login_required
def preferences(request):
    pref = services.preference_get(user=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.preference_update(user=request.user, muted_events=d["muted_events"],
                                           disabled_channels=d["disabled_channels"], quiet_start=d["quiet_start"],
                                           quiet_end=d["quiet_end"], dingtalk_userid=d["dingtalk_userid"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("通知偏好已保存。"))
                return redirect("egov_base:notify_preferences")
    else:
        form = PreferenceForm(initial={
            "muted_events": pref.muted_events, "disabled_channels": pref.disabled_channels,
            "quiet_start": pref.quiet_start, "quiet_end": pref.quiet_end, "dingtalk_userid": pref.dingtalk_userid,
        })
    return render(request, "egov_base/notify/preferences.html", {"form": form})


# --- backend: templates ------------------------------------------------------------------------------------
@permission_required("egov_base.view_notificationtemplate", raise_exception=True)
def template_list(request):
    custom = {(t.event, t.channel): t for t in NotificationTemplate.objects.all()}
    rows = []
    for spec in events():
        chans = list(dict.fromkeys(list(spec.channels) + [c for (e, c) in custom if e == spec.code]))
        rows.append({"spec": spec, "channels": [(c, Channel(c).label, custom.get((spec.code, c))) for c in chans]})
    return render(request, "egov_base/notify/template_list.html", {"rows": rows})


def _event_or_404(code):
    try:
        return get_event(code)
    except LookupError:
        raise Http404 from None


@permission_required("egov_base.view_notificationtemplate", raise_exception=True)
def template_edit(request, event: str, channel: str):
    spec = _event_or_404(event)
    if channel not in Channel.values:
        raise Http404
    tpl = NotificationTemplate.objects.filter(event=event, channel=channel).first()
    d_subject, d_body = spec.default_text(channel)
    if request.method == "POST":
        if not request.user.has_perm("egov_base.change_notificationtemplate"):
            raise PermissionDenied
        form = TemplateForm(request.POST)
        if "reset" in request.POST:
            services.template_reset(event=event, channel=channel)
            messages.success(request, _("已恢复为默认模板。"))
            return redirect("egov_base:notify_template_edit", event=event, channel=channel)
        if form.is_valid():
            try:
                services.template_save(event=event, channel=channel, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("body", exc)
            else:
                messages.success(request, _("模板已保存。"))
                return redirect("egov_base:notify_template_edit", event=event, channel=channel)
    else:
        form = TemplateForm(initial={
            "subject": tpl.subject if tpl else d_subject, "body": tpl.body if tpl else d_body,
            "sms_template_code": tpl.sms_template_code if tpl else spec.sms_template_code,
            "enabled": tpl.enabled if tpl else True,
        })
    return render(request, "egov_base/notify/template_edit.html", {
        "spec": spec, "channel": channel, "channel_label": Channel(channel).label, "form": form, "tpl": tpl,
        "context_keys": sorted(spec.sample_context.keys()),
    })


@permission_required("egov_base.view_notificationtemplate", raise_exception=True)
@require_POST
def template_preview(request, event: str, channel: str):
    _event_or_404(event)
    result = services.template_preview(event=event, channel=channel, subject=request.POST.get("subject", ""),
                                       body=request.POST.get("body", ""), user=request.user)
    return render(request, "egov_base/notify/partials/preview.html", result)


# --- backend: delivery log ---------------------------------------------------------------------------------
@permission_required("egov_base.view_delivery", raise_exception=True)
def delivery_list(request):
    form = DeliveryFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {k: d[k] for k in ("channel", "status", "event", "q") if d.get(k)}
        if d.get("since"):
            filters["since"] = timezone.make_aware(dt.datetime.combine(d["since"], dt.time.min))
        if d.get("until"):
            filters["until"] = timezone.make_aware(dt.datetime.combine(d["until"] + dt.timedelta(days=1), dt.time.min))
    page = _page(request, selectors.delivery_list(user=request.user, **filters), 50)
    return render(request, "egov_base/notify/delivery_list.html", {
        "form": form, "page": page, "stats": selectors.delivery_stats(user=request.user),
        "query": _query_without_page(request), "channel_choices": Channel.choices,
    })


@permission_required("egov_base.change_delivery", raise_exception=True)
@require_POST
def delivery_retry(request, pk: int):
    delivery = get_object_or_404(scope_queryset(Delivery.objects.all(), request.user), pk=pk)
    try:
        services.delivery_retry(delivery=delivery)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已重新排队发送。"))
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("egov_base:notify_deliveries")


@permission_required("egov_base.change_delivery", raise_exception=True)
@require_POST
def send_test(request):
    """Send the 测试通知 event on one channel to the current user or a given phone/e-mail (channel check)."""
    channel = request.POST.get("channel", "")
    address = (request.POST.get("address") or "").strip()
    if channel not in Channel.values:
        messages.error(request, _("请选择通知渠道。"))
        return redirect("egov_base:notify_deliveries")
    recipients = [address] if address else [request.user]
    rows = services.notify(recipients, "notify.test", {"title": _("渠道连通性测试"), "note": ""}, channels=[channel],
                           urgent=True)
    if rows:
        messages.success(request, _("测试通知已提交，请在下方记录中查看发送结果。"))
    else:
        messages.error(request, _("没有可发送的接收人：请填写有效的手机号或邮箱，或选择与地址匹配的渠道。"))
    return redirect("egov_base:notify_deliveries")
