"""接口管理: call log with filters, per-system statistics and breaker state."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import selectors, services
from .breaker import CLOSED, HALF_OPEN, OPEN

PERIODS = [("1h", gettext_lazy("近 1 小时"), dt.timedelta(hours=1)), ("24h", gettext_lazy("近 24 小时"), dt.timedelta(days=1)),
           ("7d", gettext_lazy("近 7 天"), dt.timedelta(days=7)), ("30d", gettext_lazy("近 30 天"), dt.timedelta(days=30))]
STATE_LABELS = {CLOSED: gettext_lazy("正常（闭合）"), OPEN: gettext_lazy("熔断（打开）"), HALF_OPEN: gettext_lazy("试探（半开）")}


class CallFilterForm(forms.Form):
    system = forms.CharField(label=gettext_lazy("系统"), required=False, max_length=64)
    ok = forms.ChoiceField(label=gettext_lazy("结果"), required=False,
                           choices=[("", gettext_lazy("全部")), ("1", gettext_lazy("成功")), ("0", gettext_lazy("失败"))])
    period = forms.ChoiceField(label=gettext_lazy("时间"), required=False, choices=[(k, label) for k, label, _d in PERIODS])
    q = forms.CharField(label=gettext_lazy("地址/请求号"), required=False, max_length=200)


@permission_required("egov_base.view_integrationcall", raise_exception=True)
def call_list(request):
    form = CallFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    period = d.get("period") or "24h"
    since = timezone.now() - next(delta for k, _l, delta in PERIODS if k == period)
    qs = selectors.call_list(user=request.user, system=d.get("system", ""), ok=d.get("ok", ""), since=since, q=d.get("q", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    systems = list(selectors.system_list(user=request.user))
    states = selectors.breaker_states(systems)
    names = {s.code: s for s in systems}
    stats = selectors.call_stats(since=since)
    for row in stats:
        row["name"] = names[row["system"]].name if row["system"] in names else row["system"]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "egov_base/integration/call_list.html", {
        "form": form, "page": page, "stats": stats, "query": query.urlencode(),
        "systems": [{"obj": s, "state": states[s.code], "state_label": STATE_LABELS[states[s.code]["state"]]} for s in systems],
        "can_reset": request.user.has_perm("egov_base.change_externalsystem"),
    })


@permission_required("egov_base.change_externalsystem", raise_exception=True)
@require_POST
def breaker_reset(request, pk: int):
    system = get_object_or_404(selectors.system_list(user=request.user), pk=pk)
    services.system_breaker_reset(system=system)
    messages.success(request, _("已重置 %(name)s 的熔断状态。") % {"name": system.name})
    return redirect("egov_base:integration_calls")
