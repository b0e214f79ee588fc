"""Thin views of the expert pool (staff backend). Every view checks a permission and fetches objects through
the scoped querysets (404 outside the user's data scope)."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov_base.audit.services import record_event
from egov_base.scope import scope_queryset
from egov_base.workflow import TransitionError, run_transition

from . import selectors, services, telephony
from .forms import ActivityForm, EvaluationForm, GrantForm, InviteForm, ResultForm, TagsForm
from .models import Activity, Booking, CallAttempt, DistrictGrant, DistrictGrantUse, Draw, Expert, ExpertChange

log = logging.getLogger("egov_expert_pool")

P_VIEW_EXPERT = "egov_expert_pool.view_expert"
P_VIEW_ACT = "egov_expert_pool.view_activity"


def _errors(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _expert(request, pk) -> Expert:
    obj = scope_queryset(Expert.objects.all(), request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _activity(request, pk) -> Activity:
    obj = selectors.activity_queryset(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- experts ------------------------------------------------------------------------------------------------
@login_required
@permission_required(P_VIEW_EXPERT, raise_exception=True)
def expert_tags(request, pk):
    expert = _expert(request, pk)
    if not request.user.has_perm("egov_expert_pool.edit_expert_tags"):
        raise PermissionDenied
    if expert.status not in (Expert.Status.ACTIVE, Expert.Status.SUSPENDED):
        messages.error(request, _("只能维护已审核专家的标签。"))
        return HttpResponseRedirect(expert.get_absolute_url())
    known = {c for c, _l in selectors.tag_choices()}
    if request.method == "POST":
        form = TagsForm(request.POST)
        if form.is_valid():
            try:
                services.expert_tags_set(user=request.user, expert=expert, tags=form.tag_list())
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("标签已更新。"))
                return HttpResponseRedirect(expert.get_absolute_url())
    else:
        form = TagsForm(initial={"tags": [t for t in expert.tags if t in known],
                                 "extra": "、".join(t for t in expert.tags if t not in known)})
    return render(request, "egov_expert_pool/expert_tags.html", {"expert": expert, "form": form})


@login_required
@require_POST
def expert_transition(request, pk, name):
    if not request.user.has_perm(P_VIEW_EXPERT):
        raise PermissionDenied
    expert = _expert(request, pk)
    comment = request.POST.get("comment", "").strip()[:200]
    names = {t.name: t for t in expert.available_transitions(request.user)}
    if name not in names:
        raise PermissionDenied
    if names[name].custom.get("needs_reason") and not comment:
        messages.error(request, _("请填写原因。"))
        return HttpResponseRedirect(expert.get_absolute_url())
    try:
        run_transition(expert, name, user=request.user, comment=comment)
        messages.success(request, _("操作成功。"))
    except (TransitionError, ValidationError) as exc:
        messages.error(request, _errors(exc))
    return HttpResponseRedirect(request.POST.get("next") or expert.get_absolute_url())


@login_required
@require_POST
def expert_change_review(request, pk):
    if not request.user.has_perm("egov_expert_pool.review_expert"):
        raise PermissionDenied
    change = get_object_or_404(scope_queryset(ExpertChange.objects.all(), request.user), pk=pk)
    try:
        services.expert_change_review(user=request.user, change=change, approve=request.POST.get("action") == "approve",
                                      comment=request.POST.get("comment", ""))
        messages.success(request, _("变更已审核。"))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return HttpResponseRedirect(reverse("egov_expert_pool:expert_detail", args=[change.expert_id]))


@login_required
@permission_required(P_VIEW_EXPERT, raise_exception=True)
def expert_idcard_search(request):
    q = request.GET.get("id_card", "").strip()
    results = list(selectors.expert_by_id_card(user=request.user, id_card=q)[:5]) if q else []
    if q:
        record_event(action="view", model=Expert, message=_("按身份证号码精确查询专家"), data={"hits": len(results)})
    return render(request, "egov_expert_pool/expert_idcard_search.html", {"q": q, "results": results, "searched": bool(q)})


@login_required
@permission_required("egov_expert_pool.review_expert", raise_exception=True)
def cleanup_list(request):
    try:
        threshold = float(request.GET.get("threshold") or 3.0)
    except ValueError:
        threshold = 3.0
    rows = list(selectors.cleanup_candidates(threshold=threshold))
    return render(request, "egov_expert_pool/cleanup.html", {"rows": rows, "threshold": threshold})


# --- activities ---------------------------------------------------------------------------------------------
@login_required
@permission_required("egov_expert_pool.add_activity", raise_exception=True)
def activity_create(request):
    initial = {}
    if not request.method == "POST":
        initial = {"date": timezone.localdate() + dt.timedelta(days=3), "half_day": "am", "avoid_conflict": True,
                   "avoid_same_applicant_months": 6, "max_draws": 4, "period_days": 90,
                   "place": _("成都市大数据中心 3 楼会议室")}
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(user=request.user, data=form.data_dict(), items=form.items(),
                                                demands=form.demands())
        except ValidationError as exc:
            for field, errs in getattr(exc, "error_dict", {"__all__": exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("已创建抽取活动 %(n)s。") % {"n": activity.number})
            return HttpResponseRedirect(activity.get_absolute_url())
    return render(request, "egov_expert_pool/activity_form.html", {"form": form})


def _activity_context(request, activity: Activity) -> dict:
    can_see = selectors.can_see_drawn(request.user, activity)
    bookings = list(activity.bookings.select_related("expert", "draw").prefetch_related(
        Prefetch("calls", queryset=CallAttempt.objects.order_by("attempt_no"))).order_by("pk")) if can_see else []
    draws = list(activity.draws.order_by("round_no"))
    for d in draws:
        d.excluded_display = "；".join(_("%(l)s %(n)s 人") % {"l": str(selectors.EXCLUSION_LABELS.get(k, k)), "n": v}
                                      for k, v in sorted(d.excluded.items()))
    counts = dict(activity.bookings.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    demands = list(activity.demands.all())
    confirmed_by_spec = dict(activity.bookings.filter(status=Booking.Status.CONFIRMED).values_list("specialty")
                             .annotate(n=Count("pk")).values_list("specialty", "n"))
    for d in demands:
        d.confirmed = confirmed_by_spec.get(d.specialty, 0)
    rules = {**selectors.DEFAULT_RULES, **(activity.rules or {})}
    from .models import ExpertType

    type_labels = dict(ExpertType.choices)
    tag_labels = dict(selectors.tag_choices())
    return {
        "activity": activity, "bookings": bookings, "draws": draws, "can_see_drawn": can_see, "counts": counts,
        "demands": demands, "items": list(activity.items.select_related("applicant_org")),
        "rules": rules,
        "rule_types": [type_labels.get(t, t) for t in rules.get("expert_types") or []],
        "rule_tags_in": [tag_labels.get(t, t) for t in rules.get("tags_include") or []],
        "rule_tags_out": [tag_labels.get(t, t) for t in rules.get("tags_exclude") or []],
        "can_draw": request.user.has_perm("egov_expert_pool.draw_activity"),
        "can_change": request.user.has_perm("egov_expert_pool.change_activity"),
        "exclusion_labels": selectors.EXCLUSION_LABELS,
        "polling": activity.state == Activity.State.CONFIRMING,
        "invite_form": InviteForm(activity=activity) if activity.is_open else None,
        "max_attempts": telephony.max_attempts(),
    }


@login_required
@permission_required(P_VIEW_ACT, raise_exception=True)
def activity_detail(request, pk):
    activity = _activity(request, pk)
    return render(request, "egov_expert_pool/activity_detail.html", _activity_context(request, activity))


@login_required
@permission_required(P_VIEW_ACT, raise_exception=True)
def activity_status(request, pk):
    """HTMX partial polled while experts are being confirmed."""
    activity = _activity(request, pk)
    return render(request, "egov_expert_pool/partials/activity_status.html", _activity_context(request, activity))


def _post_action(request, pk, func, ok_message):
    activity = _activity(request, pk)
    try:
        func(activity)
        messages.success(request, ok_message)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return HttpResponseRedirect(activity.get_absolute_url())


@login_required
@require_POST
@permission_required("egov_expert_pool.draw_activity", raise_exception=True)
def activity_commit(request, pk):
    return _post_action(request, pk, lambda a: services.activity_commit(user=request.user, activity=a),
                        _("抽取池已固定，承诺值已公示。"))


@login_required
@require_POST
@permission_required("egov_expert_pool.draw_activity", raise_exception=True)
def activity_execute(request, pk):
    return _post_action(request, pk, lambda a: services.activity_execute(user=request.user, activity=a),
                        _("抽取完成，已揭示随机种子并开始电话确认。"))


@login_required
@require_POST
@permission_required("egov_expert_pool.draw_activity", raise_exception=True)
def activity_invite(request, pk):
    activity = _activity(request, pk)
    form = InviteForm(request.POST, activity=activity)
    if form.is_valid():
        fn = services.booking_register if form.cleaned_data["mode"] == "direct" else services.booking_invite
        try:
            fn(user=request.user, activity=activity, expert=form.expert, specialty=form.cleaned_data["specialty"],
               reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("已添加专家。"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return HttpResponseRedirect(activity.get_absolute_url())


@login_required
@require_POST
@permission_required("egov_expert_pool.draw_activity", raise_exception=True)
def booking_confirm(request, pk, booking_id):
    activity = _activity(request, pk)
    booking = get_object_or_404(Booking, pk=booking_id, activity=activity)
    try:
        services.booking_manual_confirm(user=request.user, booking=booking, accept=request.POST.get("answer") == "accept",
                                        note=request.POST.get("note", ""))
        messages.success(request, _("已记录专家答复。"))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return HttpResponseRedirect(activity.get_absolute_url())


@login_required
@require_POST
@permission_required("egov_expert_pool.draw_activity", raise_exception=True)
def activity_replace(request, pk):
    activity = _activity(request, pk)
    created = services.replacement_draw(activity_id=activity.pk, user=request.user)
    if created:
        messages.success(request, _("已补抽 %(n)s 位专家。") % {"n": len(created)})
    else:
        messages.info(request, _("没有需要补抽的名额，或按规则已无可抽专家。"))
    return HttpResponseRedirect(activity.get_absolute_url())


@login_required
@require_POST
@permission_required("egov_expert_pool.change_activity", raise_exception=True)
def activity_cancel(request, pk):
    return _post_action(request, pk, lambda a: services.activity_cancel(user=request.user, activity=a,
                                                                        reason=request.POST.get("reason", "")),
                        _("活动已取消。"))


@login_required
@permission_required("egov_expert_pool.change_activity", raise_exception=True)
def activity_result(request, pk):
    activity = _activity(request, pk)
    form = ResultForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record_result(user=request.user, activity=activity, passed=form.cleaned_data["passed"],
                                            opinion=form.cleaned_data["opinion"],
                                            minutes=form.cleaned_data.get("minutes"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("评审结果已录入，评审结束。"))
            return HttpResponseRedirect(activity.get_absolute_url())
    return render(request, "egov_expert_pool/activity_result.html", {"activity": activity, "form": form})


@login_required
@permission_required("egov_expert_pool.evaluate_expert", raise_exception=True)
def activity_evaluate(request, pk):
    activity = _activity(request, pk)
    if activity.state != Activity.State.FINISHED:
        messages.error(request, _("评审结束后才能对参会专家打分。"))
        return HttpResponseRedirect(activity.get_absolute_url())
    bookings = list(activity.bookings.filter(status=Booking.Status.CONFIRMED).select_related("expert", "evaluation"))
    rows = []
    saved = 0
    for b in bookings:
        ev = getattr(b, "evaluation", None)
        initial = {k: getattr(ev, k) for k in ("punctuality", "professionalism", "opinion_quality", "discipline",
                                               "comment")} if ev else None
        form = EvaluationForm(request.POST or None, prefix=f"b{b.pk}", initial=initial)
        if request.method == "POST" and request.POST.get(f"b{b.pk}-include") and form.is_valid():
            try:
                services.evaluation_save(user=request.user, booking=b, scores=form.cleaned_data,
                                         comment=form.cleaned_data.get("comment", ""))
                saved += 1
            except ValidationError as exc:
                form.add_error(None, exc)
        rows.append((b, form))
    if request.method == "POST" and saved:
        messages.success(request, _("已保存 %(n)s 位专家的评分。") % {"n": saved})
        return HttpResponseRedirect(activity.get_absolute_url())
    return render(request, "egov_expert_pool/activity_evaluate.html", {"activity": activity, "rows": rows})


# --- verify -------------------------------------------------------------------------------------------------
def _verify_context(request, activity: Activity) -> dict:
    from . import drawing

    revealed_ok = selectors.can_see_drawn(request.user, activity)
    rounds = []
    names = {}
    draws = list(activity.draws.order_by("round_no"))
    if revealed_ok:
        ids = {i for d in draws for v in (d.result or {}).values() for i in v}
        names = dict(Expert.objects.filter(pk__in=ids).values_list("pk", "name"))
    for d in draws:
        row = {"draw": d, "revealed": bool(d.seed) and revealed_ok, "checks": [], "ok": None,
               "needs": [(selectors.specialty_label(s), n) for s, n in sorted(d.needs.items())],
               "pool_by_spec": [(selectors.specialty_label(s), len(v)) for s, v in sorted(d.pool.items())]}
        if row["revealed"]:
            res = drawing.verify(seed=d.seed, seed_hash_hex=d.seed_hash, commitment_hex=d.commitment, rules=d.rules,
                                 needs=d.needs, pool=d.pool, result=d.result)
            row["ok"] = res.ok
            row["checks"] = res.checks
            row["recomputed"] = [(selectors.specialty_label(s), [names.get(i, f"#{i}") for i in ids])
                                 for s, ids in sorted(res.recomputed.items())]
        rounds.append(row)
    return {"activity": activity, "rounds": rounds, "revealed_ok": revealed_ok}


@login_required
@permission_required(P_VIEW_ACT, raise_exception=True)
def activity_verify(request, pk):
    activity = _activity(request, pk)
    ctx = _verify_context(request, activity)
    record_event(action="view", obj=activity, message=_("校验抽取过程"),
                 data={"ok": all(r["ok"] for r in ctx["rounds"] if r["ok"] is not None)})
    return render(request, "egov_expert_pool/activity_verify.html", ctx)


@login_required
@permission_required(P_VIEW_ACT, raise_exception=True)
def activity_draw_export(request, pk, draw_id):
    """The published snapshot of one round as canonical JSON, so anyone can recompute it offline."""
    activity = _activity(request, pk)
    draw = get_object_or_404(Draw, pk=draw_id, activity=activity)
    revealed = bool(draw.seed) and selectors.can_see_drawn(request.user, activity)
    payload = {"activity": activity.number, "round": draw.round_no, "seed_hash": draw.seed_hash,
               "commitment": draw.commitment, "rules": draw.rules, "needs": draw.needs, "pool": draw.pool,
               "seed": draw.seed if revealed else None, "result": draw.result if revealed else None}
    resp = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "sort_keys": True, "indent": 1})
    resp["Content-Disposition"] = f'attachment; filename="{activity.number}-round{draw.round_no}.json"'
    return resp


# --- reports ------------------------------------------------------------------------------------------------
@login_required
@permission_required(P_VIEW_ACT, raise_exception=True)
def activity_pdf(request, pk):
    from .reports import DrawRecordPdf

    activity = _activity(request, pk)
    if not selectors.can_see_drawn(request.user, activity):
        raise PermissionDenied
    pdf = DrawRecordPdf(user=request.user).render({"activity_id": activity.pk})
    record_event(action="export", obj=activity, message=_("导出抽取记录 PDF"))
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{activity.number}.pdf"'
    return resp


def _period(request):
    today = timezone.localdate()
    try:
        since = dt.date.fromisoformat(request.GET.get("since") or "")
    except ValueError:
        since = today.replace(month=1, day=1)
    try:
        until = dt.date.fromisoformat(request.GET.get("until") or "")
    except ValueError:
        until = today + dt.timedelta(days=365)
    return since, until


@login_required
@permission_required(P_VIEW_EXPERT, raise_exception=True)
def statistics(request):
    since, until = _period(request)
    rows = selectors.expert_statistics(since=since, until=until)
    if request.GET.get("format") == "xlsx":
        from .reports import ExpertStatsExcel

        data = ExpertStatsExcel(user=request.user).render({"since": since.isoformat(), "until": until.isoformat()})
        record_event(action="export", model=Expert, message=_("导出专家抽取统计"), data={"rows": len(rows)})
        resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = 'attachment; filename="expert-statistics.xlsx"'
        return resp
    specs = selectors.specialty_statistics(since=since)
    bookings = Booking.objects.filter(date__gte=since, date__lte=until, activity__state=Activity.State.FINISHED)
    totals = bookings.aggregate(total=Count("pk"), confirmed=Count("pk", filter=Q(status="confirmed")),
                                declined=Count("pk", filter=Q(status="declined")),
                                no_answer=Count("pk", filter=Q(status="no_answer")))
    chart = {"labels": [s["label"] for s in specs], "active": [s["active"] for s in specs],
             "activities": [s["activities"] for s in specs]}
    return render(request, "egov_expert_pool/statistics.html", {
        "rows": rows[:50], "specs": specs, "since": since, "until": until, "totals": totals, "chart": chart,
        "activity_count": Activity.objects.filter(date__gte=since, date__lte=until).count(),
    })


@login_required
@permission_required(P_VIEW_ACT, raise_exception=True)
def fees(request):
    since, until = _period(request)
    qs = (selectors.activity_queryset(request.user).filter(date__gte=since, date__lte=until)
          .annotate(fee_total=Sum("bookings__fee"),
                    experts=Count("bookings", filter=Q(bookings__status="confirmed", bookings__attended=True)))
          .filter(state=Activity.State.FINISHED).order_by("-date"))
    if request.GET.get("format") == "xlsx":
        from .reports import FeesExcel

        data = FeesExcel(user=request.user).render({"since": since.isoformat(), "until": until.isoformat()})
        record_event(action="export", model=Activity, message=_("导出专家费"))
        resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = 'attachment; filename="expert-fees.xlsx"'
        return resp
    rows = list(qs[:200])
    return render(request, "egov_expert_pool/fees.html", {
        "rows": rows, "since": since, "until": until, "grand": sum((r.fee_total or 0) for r in rows)})


# --- district authorisation ---------------------------------------------------------------------------------
@login_required
@permission_required("egov_expert_pool.view_districtgrant", raise_exception=True)
def grants(request):
    can_manage = request.user.has_perm("egov_expert_pool.manage_district_grant")
    form = GrantForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            c = form.cleaned_data
            tz = timezone.get_current_timezone()
            try:
                services.district_grant_open(
                    user=request.user, region=c["region"],
                    start=dt.datetime.combine(c["start"], dt.time.min, tzinfo=tz),
                    end=dt.datetime.combine(c["end"], dt.time.max, tzinfo=tz),
                    letter_no=c.get("letter_no", ""), reason=c.get("reason", ""))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已开通授权。"))
                return HttpResponseRedirect(reverse("egov_expert_pool:grants"))
    now = timezone.now()
    rows = list(DistrictGrant.objects.select_related("region", "closed_by").annotate(
        use_count=Count("uses", filter=~Q(uses__action__in=["open", "close"]))).order_by("-start")[:100])
    for g in rows:
        g.effective = g.is_open and g.start <= now <= g.end
    uses = list(DistrictGrantUse.objects.select_related("grant__region", "activity", "user").order_by("-at")[:50])
    return render(request, "egov_expert_pool/grants.html", {"rows": rows, "form": form, "uses": uses,
                                                             "can_manage": can_manage})


@login_required
@require_POST
@permission_required("egov_expert_pool.manage_district_grant", raise_exception=True)
def grant_close(request, pk):
    grant = get_object_or_404(DistrictGrant, pk=pk)
    services.district_grant_close(user=request.user, grant=grant)
    messages.success(request, _("已关闭授权。"))
    return HttpResponseRedirect(reverse("egov_expert_pool:grants"))


# --- telephony callback -------------------------------------------------------------------------------------
@csrf_exempt
@require_POST
def voice_callback(request):
    """Carrier callback: signature-checked, idempotent by call id; refused callbacks change nothing."""
    adapter = telephony.get_adapter()
    try:
        event = adapter.parse_callback(body=request.body, headers=request.headers)
    except telephony.CallbackError as exc:
        log.warning("voice callback refused: %s", exc)
        return JsonResponse({"code": 400, "message": str(exc)}, status=400)
    effect = services.voice_callback(event=event)
    if effect == "unknown":
        return JsonResponse({"code": 404, "message": "unknown call_id"}, status=404)
    return JsonResponse({"code": 0, "message": "ok", "effect": effect})


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
