"""Reads of project review: scoped lists, one proposal, the workbenches (bounded queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov_base.scope import scope_queryset

from .models import Proposal, ProposalEvent
from .workflows import State


def proposals_for(user):
    return scope_queryset(Proposal.objects.all(), user)


def proposal_list(*, user, q="", state="", kind="", level="", mine=False, start=None, end=None):
    qs = proposals_for(user).select_related("organization", "applicant", "reviewer", "assigned_head")
    if q:
        for word in q.split():
            qs = qs.filter(Q(title__icontains=word) | Q(number__icontains=word) | Q(organization__name__icontains=word))
    if state:
        qs = qs.filter(state__in=state.split(",")) if "," in state else qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if mine:
        qs = qs.filter(Q(applicant=user) | Q(reviewer=user) | Q(assigned_head=user))
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    return qs.order_by("-created_at", "-pk")


def proposal_get(*, user, pk) -> Proposal:
    obj = proposals_for(user).select_related(
        "organization", "applicant", "reviewer", "assigned_head", "transfer_to", "template", "intensive_template",
        "region").filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- workbench -------------------------------------------------------------------------------------------
RANGES = [("10d", _("近十天")), ("1m", _("近一个月")), ("6m", _("近半年")), ("custom", _("自定义"))]


def time_range(key, start=None, end=None):
    """(start, end, key) as aware datetimes; ``end`` exclusive."""
    now = timezone.localtime()
    today = now.date()
    if key == "custom" and start:
        try:
            s = date.fromisoformat(str(start))
            e = date.fromisoformat(str(end)) if end else today
        except ValueError:
            s, e, key = today - timedelta(days=9), today, "10d"
        if e < s:
            s, e = e, s
    elif key == "6m":
        s, e = today - timedelta(days=182), today
    elif key == "1m":
        s, e = today - timedelta(days=30), today
    else:
        key = "10d"
        s, e = today - timedelta(days=9), today
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(s, time.min), tz),
            timezone.make_aware(datetime.combine(e + timedelta(days=1), time.min), tz), key)


@dataclass
class Section:
    key: str
    label: str
    roles: tuple
    chart_actions: tuple
    states: tuple
    cards: list = field(default_factory=list)


def _month_start():
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


SECTIONS = [
    Section("applicant", _("报审单位"), ("dept_user",), ("submit",), ()),
    Section("intake", _("接件人员"), ("pr_intake", "district_admin"), ("intake_pass", "intake_return"),
            (State.INTAKE,)),
    Section("head", _("部门主任"), ("dept_head",), ("assign_reviewer", "transfer"), (State.ASSIGN, State.TRANSFER)),
    Section("leader", _("中心领导"), ("centre_leader",), ("intake_pass", "countersign_vote", "transfer_approve"),
            (State.COUNTERSIGN, State.TRANSFER)),
    Section("prereview", _("预审人员"), ("reviewer",), ("prereview_pass", "prereview_fail", "prereview_return"),
            (State.PREREVIEW, State.COUNTERSIGN, State.CONSULT)),
    Section("accept", _("受理人员"), ("pr_accept", "district_admin"),
            ("accept_expert", "accept_improve", "accept_reply", "accept_consult"), (State.ACCEPT,)),
    Section("expert", _("评审人员"), ("pr_accept",), ("expert_pass", "expert_fail"), (State.EXPERT,)),
    Section("audit", _("完善审核人员"), ("reviewer", "district_admin"), ("audit_pass", "audit_return"),
            (State.IMPROVE, State.AUDIT)),
    Section("reply", _("回函人员"), ("pr_reply", "district_admin"), ("reply_issue", "reply_return"),
            (State.REPLY, State.DONE)),
]


def sections_for(user) -> list[Section]:
    return [s for s in SECTIONS if user.has_role(*s.roles)] or (
        SECTIONS[:1] if user.has_perm("egov_project_review.view_proposal") else [])


def _c(*actions, actor=None, since=None, **extra):
    q = Q(action__in=actions)
    if actor is not None:
        q &= Q(actor=actor)
    if since is not None:
        q &= Q(created_at__gte=since)
    for k, v in extra.items():
        q &= Q(**{k: v})
    return Count("pk", filter=q)


def section_cards(section: Section, user) -> list[dict]:
    """The four counts of a role's workbench in one aggregate query (two for 报审单位 / 部门主任)."""
    ev = scope_queryset(ProposalEvent.objects.all(), user)
    m = _month_start()
    k = section.key
    if k == "applicant":
        qs = proposals_for(user).exclude(state=State.DRAFT)
        r = qs.aggregate(total=Count("pk"), active=Count("pk", filter=Q(state__in=[
            State.INTAKE, State.ASSIGN, State.TRANSFER, State.PREREVIEW, State.COUNTERSIGN, State.CONSULT,
            State.ACCEPT, State.EXPERT, State.IMPROVE, State.AUDIT, State.REPLY])),
            returned=Count("pk", filter=Q(state=State.RETURNED)), done=Count("pk", filter=Q(state=State.DONE)))
        return [(_("方案申报总数"), r["total"]), (_("办理中"), r["active"]), (_("被退回待修改"), r["returned"]),
                (_("已回函"), r["done"])]
    if k == "intake":
        r = ev.aggregate(a=_c("intake_pass", "intake_return"), b=_c("intake_pass"), c=_c("intake_return"),
                         d=_c("intake_pass", "intake_return", since=m))
        return [(_("项目接件总数"), r["a"]), (_("项目通过数量"), r["b"]), (_("项目不通过数量"), r["c"]),
                (_("本月接件数量"), r["d"])]
    if k == "head":
        r = ev.aggregate(a=_c("intake_pass", level="city"), b=_c("assign_reviewer", "transfer", actor=user),
                         c=_c("assign_reviewer", actor=user),
                         d=_c("prereview_pass", proposal__assigned_head=user))
        return [(_("中心接件总数"), r["a"]), (_("部门办理数量"), r["b"]), (_("分派数量"), r["c"]),
                (_("部门预审通过数量"), r["d"])]
    if k == "leader":
        r = ev.aggregate(a=_c("intake_pass"), p=_c("prereview_pass", since=m),
                         f=_c("prereview_fail", "prereview_return", since=m), c=_c("countersign_vote", since=m),
                         t=_c("transfer"))
        rate = f"{100 * r['p'] / (r['p'] + r['f']):.0f}%" if (r["p"] + r["f"]) else "—"
        return [(_("中心接件总数"), r["a"]), (_("本月方案预审通过率"), rate), (_("本月会签数量"), r["c"]),
                (_("部门转交方案数量"), r["t"])]
    if k == "prereview":
        total = proposals_for(user).filter(reviewer=user).count()
        r = ev.aggregate(b=_c("prereview_pass", "prereview_fail", "prereview_return", actor=user),
                         c=_c("consult_start", actor=user), d=_c("prereview_pass", actor=user))
        return [(_("预审方案总数"), total), (_("办理数量"), r["b"]), (_("发起会商数量"), r["c"]),
                (_("预审通过数量"), r["d"])]
    if k == "accept":
        acts = ("accept_expert", "accept_improve", "accept_reply", "accept_consult")
        r = ev.aggregate(a=_c(*acts), b=_c("accept_expert", "accept_improve", "accept_reply"),
                         c=_c("accept_consult"), d=_c(*acts, since=m))
        return [(_("项目受理总数"), r["a"]), (_("项目通过数量"), r["b"]), (_("项目不通过数量"), r["c"]),
                (_("本月受理数量"), r["d"])]
    if k == "expert":
        r = ev.aggregate(a=_c("expert_pass", "expert_fail"), b=_c("expert_pass"), c=_c("expert_fail"),
                         d=_c("expert_pass", "expert_fail", since=m))
        return [(_("项目评审总数"), r["a"]), (_("评审通过数量"), r["b"]), (_("评审不通过数量"), r["c"]),
                (_("本月评审数量"), r["d"])]
    if k == "audit":
        r = ev.aggregate(a=_c("audit_pass", "audit_return"), b=_c("audit_pass"), c=_c("audit_return"),
                         d=_c("reply_return", proposal__reply_origin=State.AUDIT))
        return [(_("审核方案总数"), r["a"]), (_("审核通过数量"), r["b"]), (_("审核不通过数量"), r["c"]),
                (_("被退回数量"), r["d"])]
    r = ev.aggregate(a=_c("reply_issue", "reply_return"), b=_c("reply_issue"), c=_c("reply_return"),
                     d=_c("reply_issue", since=m))
    return [(_("回函审核方案总数"), r["a"]), (_("回函数量"), r["b"]), (_("退回数量"), r["c"]),
            (_("本月回函数量"), r["d"])]


def section_chart(section: Section, user, start, end) -> dict:
    """Daily counts of the section's actions in [start, end): one grouped query."""
    ev = scope_queryset(ProposalEvent.objects.all(), user).filter(
        action__in=section.chart_actions, created_at__gte=start, created_at__lt=end)
    if section.key == "applicant":
        ev = ev.filter(Q(proposal__applicant=user) | Q(organization_id=user.organization_id))
    rows = ev.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone())).values(
        "day", "action").annotate(n=Count("pk"))
    days = []
    d = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    while d < last:
        days.append(d)
        d += timedelta(days=1)
    series = {a: [0] * len(days) for a in section.chart_actions}
    index = {day: i for i, day in enumerate(days)}
    for r in rows:
        i = index.get(r["day"])
        if i is not None:
            series[r["action"]][i] = r["n"]
    return {"days": [f"{x.month}月{x.day}日" for x in days],
            "series": [{"name": str(ACTION_LABELS.get(a, a)), "data": v} for a, v in series.items()]}


def section_list(section: Section, user, start, end, limit=20):
    qs = proposals_for(user).select_related("organization", "applicant")
    if section.key == "applicant":
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    else:
        qs = qs.filter(state__in=section.states)
        if section.key == "prereview":
            qs = qs.filter(reviewer=user)
        elif section.key == "head":
            qs = qs.filter(Q(assigned_head=user) | Q(transfer_to=user) | Q(state=State.TRANSFER))
        elif section.key == "audit":
            qs = qs.filter(Q(reviewer=user) | Q(level="district"))
        qs = qs.filter(Q(stage_entered_at__gte=start, stage_entered_at__lt=end) | Q(stage_entered_at__isnull=True))
    return list(qs.order_by("-stage_entered_at", "-pk")[:limit])


ACTION_LABELS = {
    "submit": _("提交"), "intake_pass": _("接件通过"), "intake_return": _("接件退回"),
    "assign_reviewer": _("分配"), "transfer": _("转交"), "transfer_approve": _("同意转交"),
    "countersign_vote": _("会签"), "prereview_pass": _("预审通过"), "prereview_fail": _("预审不通过"),
    "prereview_return": _("预审退回"), "accept_expert": _("转专家评审"), "accept_improve": _("转完善"),
    "accept_reply": _("直接回函"), "accept_consult": _("受理发起会商"), "expert_pass": _("评审通过"),
    "expert_fail": _("评审不通过"), "audit_pass": _("审核通过"), "audit_return": _("审核退回"),
    "reply_issue": _("回函"), "reply_return": _("回函退回"),
}


def workbench(*, user, section_key=None, range_key="10d", start=None, end=None) -> dict:
    sections = sections_for(user)
    if not sections:
        return {"sections": [], "section": None}
    section = next((s for s in sections if s.key == section_key), sections[0])
    s, e, range_key = time_range(range_key, start, end)
    return {
        "sections": sections, "section": section, "cards": section_cards(section, user),
        "chart": section_chart(section, user, s, e), "rows": section_list(section, user, s, e),
        "range_key": range_key, "ranges": RANGES, "start": timezone.localtime(s).date(),
        "end": (timezone.localtime(e) - timedelta(days=1)).date(),
    }
