"""服务报告 (monthly / quarterly / annual, per provider and per department, PDF + Excel with charts, generated on
schedule and kept as ServiceReport rows with attached files) and the reconciliation exports of 资源计费."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal

import xlsxwriter
from django.db import transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext

from egov_base.reports.base import centre_name, cn_date, cn_datetime
from egov_base.reports.excel import Column, ExcelReport, Sheet
from egov_base.reports.pdf import PdfReport

from ..models import BillLine, PoolMetric, ProviderBill, ServiceItem, ServiceReport, ServiceRequest, Subscription

CHART_COLORS = ["#206bc4", "#2fb344", "#f59f00", "#d63939", "#ae3ec9", "#17a2b8", "#74b816", "#f76707"]


# --- periods ---------------------------------------------------------------------------------------------------

def period_range(period_type: str, start: dt.date) -> tuple[dt.date, dt.date]:
    if period_type == ServiceReport.PeriodType.MONTH:
        start = start.replace(day=1)
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    elif period_type == ServiceReport.PeriodType.QUARTER:
        start = start.replace(month=(start.month - 1) // 3 * 3 + 1, day=1)
        m = start.month + 3
        nxt = start.replace(year=start.year + (m > 12), month=(m - 1) % 12 + 1)
    else:
        start = start.replace(month=1, day=1)
        nxt = start.replace(year=start.year + 1)
    return start, nxt - dt.timedelta(days=1)


def period_label(period_type: str, start: dt.date) -> str:
    if period_type == ServiceReport.PeriodType.MONTH:
        return f"{start.year}年{start.month}月"
    if period_type == ServiceReport.PeriodType.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年度"


# --- the figures of one report ---------------------------------------------------------------------------------

def _requests_for(subject: str, org, start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    s = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    e = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = ServiceRequest.objects.filter(submitted_at__gte=s, submitted_at__lt=e)
    if subject == ServiceReport.Subject.PROVIDER:
        return qs.filter(item__provider=org)
    return qs.filter(organization__path__startswith=org.path)


def report_figures(*, subject: str, organization, start: dt.date, end: dt.date) -> dict:
    cycle = ExpressionWrapper(F("delivered_at") - F("submitted_at"), output_field=DurationField())
    sla = ExpressionWrapper(F("item__sla_hours") * Value(dt.timedelta(hours=1)), output_field=DurationField())
    reqs = _requests_for(subject, organization, start, end)
    done_states = (ServiceRequest.State.DELIVERED, ServiceRequest.State.CLOSED)
    t = reqs.aggregate(
        total=Count("id"), done=Count("id", filter=Q(state__in=done_states)),
        rejected=Count("id", filter=Q(state=ServiceRequest.State.REJECTED)),
        overdue=Count("id", filter=Q(overdue=True)),
        cycle=Avg(cycle, filter=Q(delivered_at__isnull=False)), rating=Avg("rating"),
        with_sla=Count("id", filter=Q(delivered_at__isnull=False, item__sla_hours__isnull=False)),
        in_sla=Count("id", filter=Q(delivered_at__isnull=False, item__sla_hours__isnull=False,
                                   delivered_at__lte=F("submitted_at") + sla)),
    )
    by_item = [
        {"name": r["item__name"], "total": r["n"], "done": r["d"],
         "cycle": round(r["c"].total_seconds() / 3600, 1) if r["c"] else None}
        for r in reqs.values("item__name").annotate(
            n=Count("id"), d=Count("id", filter=Q(state__in=done_states)),
            c=Avg(cycle, filter=Q(delivered_at__isnull=False))).order_by("-n")[:15]
    ]
    subs = Subscription.objects.filter(state=Subscription.State.RUNNING)
    subs = (subs.filter(item__provider=organization) if subject == ServiceReport.Subject.PROVIDER
            else subs.filter(organization__path__startswith=organization.path))
    labels = dict(ServiceItem.ServiceType.choices)
    subs_by_type = [{"name": str(labels.get(r["item__service_type"], r["item__service_type"])), "count": r["n"]}
                    for r in subs.values("item__service_type").annotate(n=Count("id")).order_by("-n")]
    if subject == ServiceReport.Subject.DEPARTMENT:
        lines = BillLine.objects.filter(organization__path__startswith=organization.path,
                                        bill__period__gte=start.replace(day=1), bill__period__lte=end)
        bills = [{"name": r["bill__item__name"], "amount": float(r["a"] or 0)}
                 for r in lines.values("bill__item__name").annotate(a=Sum("expected_amount")).order_by("-a")]
        capacity = []
    else:
        bills = []
        capacity = [{"name": f"{m.pool.name} · {m.name}", "unit": m.unit, "total": float(m.total),
                     "used": float(m.used), "percent": m.percent}
                    for m in PoolMetric.objects.filter(pool__provider=organization).select_related("pool")]
    return {
        "total": t["total"], "done": t["done"], "rejected": t["rejected"], "overdue": t["overdue"],
        "cycle_hours": round(t["cycle"].total_seconds() / 3600, 1) if t["cycle"] else None,
        "rating": round(float(t["rating"]), 2) if t["rating"] else None,
        "sla_rate": round(t["in_sla"] * 100 / t["with_sla"], 1) if t["with_sla"] else None,
        "by_item": by_item, "subs_by_type": subs_by_type, "subs_total": sum(r["count"] for r in subs_by_type),
        "bills": bills, "capacity": capacity,
    }


def _fmt(v, suffix="") -> str:
    return "—" if v is None else f"{v}{suffix}"


# --- PDF with reportlab.graphics charts --------------------------------------------------------------------------

class ServiceReportPdf(PdfReport):
    title = "服务报告"

    def __init__(self, *, report: ServiceReport, user=None):
        super().__init__(user=user, title=report.title)
        self.report = report
        self.subtitle = f"{cn_date(report.period_start)} — {cn_date(report.period_end)}"

    def _bar_chart(self, names, values, title):
        from reportlab.graphics.charts.barcharts import HorizontalBarChart
        from reportlab.graphics.shapes import Drawing, String
        from reportlab.lib import colors

        width = self.frame_width
        height = max(60, 18 * len(names) + 40)
        d = Drawing(width, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = 130, 10
        chart.width, chart.height = width - 160, height - 40
        chart.data = [list(values) or [0]]
        chart.categoryAxis.categoryNames = [n[:14] for n in names] or ["—"]
        chart.categoryAxis.labels.fontName = self.font
        chart.categoryAxis.labels.fontSize = 8
        chart.valueAxis.labels.fontName = self.font
        chart.valueAxis.labels.fontSize = 8
        chart.valueAxis.valueMin = 0
        chart.bars[0].fillColor = colors.HexColor(CHART_COLORS[0])
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName = self.font
        chart.barLabels.fontSize = 7
        chart.barLabels.nudge = 8
        d.add(chart)
        d.add(String(0, height - 12, title, fontName=self.font, fontSize=10))
        return d

    def _pie_chart(self, names, values, title):
        from reportlab.graphics.charts.legends import Legend
        from reportlab.graphics.charts.piecharts import Pie
        from reportlab.graphics.shapes import Drawing, String
        from reportlab.lib import colors

        d = Drawing(self.frame_width, 150)
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 30, 10, 110, 110
        pie.data = list(values) or [1]
        pie.labels = None
        for i in range(len(pie.data)):
            pie.slices[i].fillColor = colors.HexColor(CHART_COLORS[i % len(CHART_COLORS)])
            pie.slices[i].strokeColor = colors.white
        legend = Legend()
        legend.x, legend.y = 180, 120
        legend.fontName, legend.fontSize = self.font, 9
        legend.alignment = "right"
        legend.colorNamePairs = [(colors.HexColor(CHART_COLORS[i % len(CHART_COLORS)]), f"{n}  {v}")
                                 for i, (n, v) in enumerate(zip(names, values))] or [(colors.grey, "—")]
        d.add(pie)
        d.add(legend)
        d.add(String(0, 138, title, fontName=self.font, fontSize=10))
        return d

    def build_story(self, params):
        r, f = self.report, self.report.summary
        story = [
            self.paragraph(gettext("报告对象：%(org)s（%(subject)s）") % {"org": r.organization.name,
                                                                  "subject": r.get_subject_display()}),
            self.heading(gettext("一、总体情况")),
            self.table([
                [gettext("申请总数"), f["total"], gettext("已交付/验收"), f["done"]],
                [gettext("未通过"), f["rejected"], gettext("超时"), f["overdue"]],
                [gettext("平均办理时长(小时)"), _fmt(f["cycle_hours"]), gettext("SLA 达成率"), _fmt(f["sla_rate"], "%")],
                [gettext("满意度(5分制)"), _fmt(f["rating"]), gettext("在用服务对象"), f["subs_total"]],
            ], header=[gettext("指标"), gettext("数值"), gettext("指标"), gettext("数值")], col_widths=[0.3, 0.2, 0.3, 0.2]),
            self.spacer(4),
            self.heading(gettext("二、分服务办理情况")),
        ]
        if f["by_item"]:
            story.append(self._bar_chart([x["name"] for x in f["by_item"]], [x["total"] for x in f["by_item"]],
                                         gettext("申请量（按服务项）")))
            story.append(self.table([[x["name"], x["total"], x["done"], _fmt(x["cycle"])] for x in f["by_item"]],
                                    header=[gettext("服务项"), gettext("申请"), gettext("完成"), gettext("平均时长(小时)")],
                                    col_widths=[0.46, 0.18, 0.18, 0.18], numeric_cols=[1, 2, 3]))
        else:
            story.append(self.paragraph(gettext("本期无服务申请。")))
        story += [self.spacer(4), self.heading(gettext("三、在用服务"))]
        if f["subs_by_type"]:
            story.append(self._pie_chart([x["name"] for x in f["subs_by_type"]],
                                         [x["count"] for x in f["subs_by_type"]], gettext("在用服务对象（按类型）")))
        else:
            story.append(self.paragraph(gettext("暂无在用服务。")))
        if f["capacity"]:
            story += [self.heading(gettext("四、资源容量")), self.table(
                [[c["name"], f"{c['total']:g}{c['unit']}", f"{c['used']:g}{c['unit']}", f"{c['percent']}%"]
                 for c in f["capacity"]],
                header=[gettext("资源"), gettext("总量"), gettext("已用"), gettext("使用率")], col_widths=[0.46, 0.18, 0.18, 0.18])]
        if f["bills"]:
            story += [self.heading(gettext("四、计量计费")), self.table(
                [[b["name"], f"{b['amount']:,.2f}"] for b in f["bills"]], header=[gettext("服务"), gettext("应付金额(元)")],
                col_widths=[0.7, 0.3], numeric_cols=[1], total_row=True)]
        return story


class ServiceReportExcel(ExcelReport):
    """Sheets 概况 / 分服务 / 在用服务, plus native Excel charts (xlsxwriter)."""

    def __init__(self, *, report: ServiceReport, user=None):
        super().__init__(user=user, title=report.title)
        self.report = report

    def sheets(self, params):
        f = self.report.summary
        yield Sheet(gettext("概况"), [Column(gettext("指标"), 24), Column(gettext("数值"), 16, "number")], [
            [gettext("申请总数"), f["total"]], [gettext("已交付/验收"), f["done"]], [gettext("未通过"), f["rejected"]],
            [gettext("超时"), f["overdue"]], [gettext("平均办理时长(小时)"), f["cycle_hours"]],
            [gettext("SLA 达成率(%)"), f["sla_rate"]], [gettext("满意度(5分制)"), f["rating"]],
            [gettext("在用服务对象"), f["subs_total"]]])
        yield Sheet(gettext("分服务"), [Column(gettext("服务项"), 30), Column(gettext("申请"), 10, "int"), Column(gettext("完成"), 10, "int"),
                                 Column(gettext("平均时长(小时)"), 16, "number")],
                    [[x["name"], x["total"], x["done"], x["cycle"]] for x in f["by_item"]])
        yield Sheet(gettext("在用服务"), [Column(gettext("服务类型"), 24), Column(gettext("数量"), 12, "int")],
                    [[x["name"], x["count"]] for x in f["subs_by_type"]])

    def render(self, params=None) -> bytes:
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
            wb.set_properties({"title": self.title, "author": centre_name(), "company": centre_name()})
            fmts = self._formats(wb)
            sheets = list(self.sheets(params or {}))
            for sheet in sheets:
                sheet.rows = list(sheet.rows)
                self._write_sheet(wb, fmts, sheet)
            f = self.report.summary
            if f["by_item"]:
                chart = wb.add_chart({"type": "bar"})
                n = len(f["by_item"])
                chart.add_series({"name": gettext("申请"), "categories": [sheets[1].name, 4, 0, 3 + n, 0],
                                  "values": [sheets[1].name, 4, 1, 3 + n, 1], "fill": {"color": CHART_COLORS[0]}})
                chart.add_series({"name": gettext("完成"), "categories": [sheets[1].name, 4, 0, 3 + n, 0],
                                  "values": [sheets[1].name, 4, 2, 3 + n, 2], "fill": {"color": CHART_COLORS[1]}})
                chart.set_title({"name": gettext("申请量（按服务项）")})
                chart.set_size({"width": 640, "height": 80 + 24 * n})
                wb.get_worksheet_by_name(sheets[1].name).insert_chart("F4", chart)
            if f["subs_by_type"]:
                pie = wb.add_chart({"type": "pie"})
                n = len(f["subs_by_type"])
                pie.add_series({"name": gettext("在用服务"), "categories": [sheets[2].name, 4, 0, 3 + n, 0],
                                "values": [sheets[2].name, 4, 1, 3 + n, 1], "data_labels": {"percentage": True}})
                pie.set_title({"name": gettext("在用服务对象（按类型）")})
                wb.get_worksheet_by_name(sheets[2].name).insert_chart("D4", pie)
            wb.close()
            with open(path, "rb") as fh:
                return fh.read()
        finally:
            os.unlink(path)


def _as_json(figures: dict) -> dict:
    def conv(v):
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v

    return conv(figures)


def report_generate(*, period_type: str, period_start: dt.date, subject: str, organization,
                    user=None) -> ServiceReport:
    """Create (or refresh) one service report with its PDF and Excel files. Idempotent per period, subject and
    organisation: a second run with unchanged figures writes nothing."""
    from django.core.files.base import ContentFile

    start, end = period_range(period_type, period_start)
    figures = _as_json(report_figures(subject=subject, organization=organization, start=start, end=end))
    title = gettext("%(org)s%(period)s服务%(kind)s") % {
        "org": organization.short_name or organization.name, "period": period_label(period_type, start),
        "kind": ServiceReport.PeriodType(period_type).label}
    with transaction.atomic():
        report, created = ServiceReport.objects.select_for_update().get_or_create(
            period_type=period_type, period_start=start, subject=subject, organization=organization,
            defaults={"period_end": end, "title": title, "summary": figures},
        )
        if not created and report.summary == figures and report.pdf_file and report.xlsx_file:
            return report
        old = [f.name for f in (report.pdf_file, report.xlsx_file) if f]
        report.title, report.period_end, report.summary = title, end, figures
        report.generated_at = timezone.now()
        report.pdf_file.save("report.pdf", ContentFile(ServiceReportPdf(report=report, user=user).render({})),
                             save=False)
        report.xlsx_file.save("report.xlsx", ContentFile(ServiceReportExcel(report=report, user=user).render({})),
                              save=False)
        report.save()
        if old:
            storage = report.pdf_file.storage
            transaction.on_commit(lambda: [storage.delete(n) for n in old if storage.exists(n)])
    return report


def _report_subjects(start, end):
    """Providers of catalog items and departments that requested or subscribed in the period."""
    from egov_base.org.models import Organization

    providers = Organization.objects.filter(pk__in=ServiceItem.objects.exclude(provider=None).values("provider"))
    tz = timezone.get_current_timezone()
    s = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    e = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    dept_ids = set(ServiceRequest.objects.filter(submitted_at__gte=s, submitted_at__lt=e)
                   .values_list("organization_id", flat=True).distinct())
    dept_ids |= set(Subscription.objects.filter(state=Subscription.State.RUNNING)
                    .values_list("organization_id", flat=True).distinct())
    return list(providers), list(Organization.objects.filter(pk__in=dept_ids))


def reports_generate_due(*, today: dt.date | None = None, limit: int | None = None) -> int:
    """Scheduled (daily): the reports of the period that ended yesterday — monthly on the 1st, quarterly on the
    first day of a quarter, annual on 1 January. Existing reports are skipped, so re-runs write nothing."""
    from egov_base.context import acting_as
    from egov_base.org.models import User

    today = today or timezone.localdate()
    if today.day != 1:
        return 0
    last = today - dt.timedelta(days=1)
    kinds = [ServiceReport.PeriodType.MONTH]
    if today.month in (1, 4, 7, 10):
        kinds.append(ServiceReport.PeriodType.QUARTER)
    if today.month == 1:
        kinds.append(ServiceReport.PeriodType.YEAR)
    system = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    count = 0
    with acting_as(system, source="task"):
        for kind in kinds:
            start, end = period_range(kind, last)
            providers, depts = _report_subjects(start, end)
            for subject, orgs in ((ServiceReport.Subject.PROVIDER, providers),
                                  (ServiceReport.Subject.DEPARTMENT, depts)):
                for org in orgs:
                    if ServiceReport.objects.filter(period_type=kind, period_start=start, subject=subject,
                                                    organization=org).exists():
                        continue
                    report_generate(period_type=kind, period_start=start, subject=subject, organization=org,
                                    user=system)
                    count += 1
                    if limit and count >= limit:
                        return count
    return count


# --- reconciliation exports -------------------------------------------------------------------------------------

def _bill_rows(bill: ProviderBill, lines=None):
    lines = lines if lines is not None else bill.lines.select_related("organization").order_by("line_no")
    for ln in lines:
        yield [ln.line_no, ln.organization.name, ln.charge_code, ln.description, float(ln.billed_quantity),
               float(ln.billed_unit_price), float(ln.billed_amount), float(ln.expected_quantity),
               float(ln.expected_unit_price), float(ln.expected_amount), float(ln.diff_amount),
               ln.get_result_display()]


class ReconciliationExcel(ExcelReport):
    columns = [Column("行号", 8, "int"), Column("使用单位", 26), Column("计费编码", 14), Column("计费项", 20),
               Column("账单用量", 12, "number"), Column("账单单价", 12, "number"), Column("账单金额", 14, "money"),
               Column("核定用量", 12, "number"), Column("目录单价", 12, "number"), Column("应收金额", 14, "money"),
               Column("差额", 14, "money"), Column("对账结果", 14)]

    def __init__(self, *, bill: ProviderBill, user=None, lines=None):
        super().__init__(user=user, title=gettext("%(v)s %(p)s %(i)s 对账单") % {
            "v": bill.vendor.name, "p": f"{bill.period.year}年{bill.period.month}月", "i": bill.item.name})
        self.bill, self.lines = bill, lines

    def rows(self, params):
        yield from _bill_rows(self.bill, self.lines)
        b = self.bill
        yield ["", gettext("合计"), "", "", None, None, float(b.billed_total), None, None, float(b.expected_total),
               float(b.diff_total), gettext("差异 %(n)s 行") % {"n": b.diff_count}]


class ReconciliationPdf(PdfReport):
    landscape = True

    def __init__(self, *, bill: ProviderBill, user=None, lines=None):
        super().__init__(user=user, title=gettext("%(v)s %(p)s %(i)s 对账单") % {
            "v": bill.vendor.name, "p": f"{bill.period.year}年{bill.period.month}月", "i": bill.item.name})
        self.bill, self.lines = bill, lines
        self.subtitle = gettext("账单编号 %(n)s") % {"n": bill.number}

    def build_story(self, params):
        b = self.bill
        summary = self.table([[gettext("账单金额(元)"), f"{b.billed_total:,.2f}", gettext("应收金额(元)"), f"{b.expected_total:,.2f}"],
                              [gettext("差额(元)"), f"{b.diff_total:,.2f}", gettext("差异行数"), str(b.diff_count)],
                              [gettext("状态"), b.get_status_display(), gettext("对账时间"),
                               cn_datetime(b.reconciled_at) if b.reconciled_at else "—"]],
                             col_widths=[0.2, 0.3, 0.2, 0.3])
        rows = [[r[0], r[1], r[2], f"{r[4]:g}", f"{r[5]:g}", f"{r[6]:,.2f}", f"{r[7]:g}", f"{r[8]:g}",
                 f"{r[9]:,.2f}", f"{r[10]:,.2f}", r[11]] for r in _bill_rows(b, self.lines)]
        detail = self.table(rows or [["—"] * 11], header=[
            gettext("行"), gettext("使用单位"), gettext("计费编码"), gettext("账单用量"), gettext("账单单价"), gettext("账单金额"), gettext("核定用量"),
            gettext("目录单价"), gettext("应收金额"), gettext("差额"), gettext("结果")],
            col_widths=[0.04, 0.2, 0.1, 0.08, 0.07, 0.09, 0.08, 0.07, 0.09, 0.08, 0.1],
            numeric_cols=[3, 4, 5, 6, 7, 8, 9])
        out = [self.heading(gettext("一、对账汇总")), summary, self.spacer(4), self.heading(gettext("二、逐行对账明细")), detail]
        if b.note:
            out += [self.spacer(4), self.heading(gettext("三、说明")), self.paragraph(b.note)]
        return out
