"""Reports of the expert pool: the per-activity draw record (PDF), draw statistics and expert fees (Excel)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum
from django.utils import timezone

from egov_base.reports.excel import Column, ExcelReport
from egov_base.reports.pdf import PdfReport

from . import drawing, selectors
from .models import Activity, Booking, ExpertType


class DrawRecordPdf(PdfReport):
    title = "专家抽取记录"

    def build_story(self, params):
        a = selectors.activity_queryset(self.user).get(pk=params["activity_id"])
        if not selectors.can_see_drawn(self.user, a):
            raise PermissionError("drawn list hidden")
        self.subtitle = f"{a.number} {a.title}"
        rules = {**selectors.DEFAULT_RULES, **(a.rules or {})}
        story = [self.heading("一、活动信息"), self.table([
            ["活动编号", a.number], ["活动标题", a.title], ["评审时间", a.slot_label], ["评审地点", a.place],
            ["组织单位", str(a.organization)], ["状态", a.get_state_display()],
            ["评审内容", "；".join(i.title for i in a.items.all())],
        ], col_widths=[0.2, 0.8], zebra=False)]
        story += [self.heading("二、抽取规则"), self.table([
            ["抽取人数", "；".join(f"{d.specialty_name} {d.count} 人" for d in a.demands.all())],
            ["专家类型", "、".join(str(dict(ExpertType.choices).get(t, t)) for t in rules["expert_types"]) or "不限"],
            ["须含标签", "、".join(rules["tags_include"]) or "不限"],
            ["屏蔽标签", "、".join(rules["tags_exclude"]) or "无"],
            ["最低评分", str(rules["min_score"] or "不限")],
            ["利益冲突回避", "是" if rules["avoid_conflict"] else "否"],
            ["回避近期服务同一申报单位", f"{rules['avoid_same_applicant_months']} 个月" if rules["avoid_same_applicant_months"] else "否"],
            ["抽取次数上限", f"{rules['period_days']} 天内 {rules['max_draws']} 次" if rules["max_draws"] else "不限"],
        ], col_widths=[0.3, 0.7], zebra=False)]
        story.append(self.heading("三、抽取过程（承诺值与随机种子）"))
        for d in a.draws.order_by("round_no"):
            check = drawing.verify(seed=d.seed, seed_hash_hex=d.seed_hash, commitment_hex=d.commitment, rules=d.rules,
                                   needs=d.needs, pool=d.pool, result=d.result) if d.seed else None
            story.append(self.table([
                ["轮次", f"第 {d.round_no} 轮" + ("（补抽）" if d.is_replacement else "（首次抽取）")],
                ["公示时间", timezone.localtime(d.committed_at).strftime("%Y-%m-%d %H:%M:%S")],
                ["抽取池人数", str(d.pool_size)],
                ["承诺值", d.commitment], ["种子哈希", d.seed_hash], ["随机种子", d.seed or "未揭示"],
                ["复算校验", ("通过" if check.ok else "失败") if check else "—"],
            ], col_widths=[0.2, 0.8], zebra=False))
            story.append(self.spacer(3))
        story.append(self.heading("四、抽取名单与确认情况"))
        rows = []
        for b in a.bookings.select_related("expert", "draw").order_by("pk"):
            rows.append([b.expert.name, selectors.specialty_label(b.specialty), b.get_mode_display()
                         + (f"（{b.reason}）" if b.reason else ""),
                         f"第 {b.draw.round_no} 轮" if b.draw else "—", b.get_status_display(),
                         b.get_confirmed_via_display() or "—"])
        story.append(self.table(rows, header=["专家", "专业", "方式", "轮次", "状态", "确认方式"],
                                col_widths=[0.14, 0.16, 0.26, 0.12, 0.18, 0.14]))
        counts = dict(a.bookings.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        story.append(self.paragraph(
            f"抽中 {sum(counts.values())} 人次：确认 {counts.get('confirmed', 0)}，明确不参加 {counts.get('declined', 0)}，"
            f"未接通 {counts.get('no_answer', 0)}，补抽 {a.draws.filter(is_replacement=True).count()} 轮。"))
        if a.state == Activity.State.FINISHED:
            total = a.bookings.filter(status=Booking.Status.CONFIRMED).aggregate(s=Sum("fee"))["s"] or 0
            story.append(self.paragraph(f"评审结论：{'通过' if a.result_passed else '不通过'}；专家费合计 {total:,.2f} 元。"))
        return story


class ExpertStatsExcel(ExcelReport):
    title = "专家抽取统计"
    columns = [Column("专家", 14), Column("工作单位", 30), Column("抽中次数", 10, "int"), Column("确认参加", 10, "int"),
               Column("明确不参加", 12, "int"), Column("未接通", 10, "int"), Column("拒绝率", 10, "percent")]

    def rows(self, params):
        since = dt.date.fromisoformat(params["since"]) if params.get("since") else None
        until = dt.date.fromisoformat(params["until"]) if params.get("until") else None
        for r in selectors.expert_statistics(since=since, until=until):
            yield [r["expert__name"], r["expert__employer"], r["total"], r["confirmed"], r["declined"], r["no_answer"],
                   r["decline_rate"]]


class FeesExcel(ExcelReport):
    title = "专家费明细"
    columns = [Column("活动编号", 18), Column("活动标题", 36), Column("评审日期", 14, "date"), Column("专家", 12),
               Column("职称", 10), Column("到会", 8), Column("专家费(元)", 14, "money")]

    def rows(self, params):
        qs = (Booking.objects.filter(activity__in=selectors.activity_queryset(self.user),
                                     activity__state=Activity.State.FINISHED, status=Booking.Status.CONFIRMED)
              .select_related("activity", "expert").order_by("-activity__date", "activity_id", "pk"))
        if params.get("since"):
            qs = qs.filter(activity__date__gte=params["since"])
        if params.get("until"):
            qs = qs.filter(activity__date__lte=params["until"])
        for b in qs.iterator():
            yield [b.activity.number, b.activity.title, b.activity.date, b.expert.name, b.expert.get_title_display(),
                   "是" if b.attended else "否", b.fee]


def fee_total_for(*, activity_id: int):
    return Booking.objects.filter(activity_id=activity_id, status=Booking.Status.CONFIRMED).aggregate(s=Sum("fee"))["s"]

