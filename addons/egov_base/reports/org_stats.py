"""组织机构与用户统计: organisations per kind and district, users per role and organisation (PDF + Excel).
Respects the requesting user's data scope."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..org.models import Organization, Region, Role, User
from ..scope import scope_queryset
from .excel import Column, ExcelReport, Sheet
from .pdf import PdfReport

TITLE = "组织机构与用户统计"


class OrgStatsForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("区(市)县"), queryset=Region.objects.filter(level="district"), required=False,
        empty_label=_("全部（含市级）"),
    )
    include_inactive = forms.BooleanField(label=_("包含停用的单位和用户"), required=False)

    def params(self) -> dict:
        d = self.cleaned_data
        return {"district": d["district"].pk if d.get("district") else None, "include_inactive": bool(d.get("include_inactive"))}


def collect(user, params) -> dict:
    params = params or {}
    orgs = scope_queryset(Organization.objects.all(), user)
    users = scope_queryset(User.objects.all(), user)
    if not params.get("include_inactive"):
        orgs = orgs.filter(is_active=True)
        users = users.filter(is_active=True)
    if params.get("district"):
        orgs = orgs.filter(district_id=params["district"])
        users = users.filter(organization__district_id=params["district"])
    kinds = list(Organization.Kind.choices)
    by_district = defaultdict(lambda: defaultdict(int))
    district_names = {}
    for row in orgs.values("district_id", "district__name", "kind").annotate(n=Count("id")):
        key = row["district_id"] or 0
        district_names[key] = row["district__name"] or "市级"
        by_district[key][row["kind"]] += row["n"]
    org_rows = []
    for key in sorted(by_district, key=lambda k: (k != 0, district_names[k])):
        counts = [by_district[key].get(k, 0) for k, _l in kinds]
        org_rows.append([district_names[key], *counts, sum(counts)])
    totals = [sum(r[i] for r in org_rows) for i in range(1, len(kinds) + 2)]
    role_rows = []
    for role in Role.objects.order_by("sort", "code"):
        n = users.filter(groups=role.group_id).count()
        role_rows.append([role.name, role.get_default_data_scope_display(), n])
    no_role = users.filter(groups__isnull=True).count()
    role_rows.append(["（未分配角色）", "-", no_role])
    org_user_rows = []
    per_org = (
        orgs.annotate(
            n_users=Count("users", filter=Q(users__in=users)),
        )
        .select_related("district")
        .order_by("path")
    )
    for o in per_org:
        org_user_rows.append([o.name, o.code, o.get_kind_display(), o.district.name if o.district_id else "市级", o.n_users])
    return {
        "kinds": [str(label) for _k, label in kinds],
        "org_rows": org_rows,
        "org_totals": totals,
        "role_rows": role_rows,
        "org_user_rows": org_user_rows,
        "org_count": sum(r[-1] for r in org_rows),
        "user_count": users.count(),
    }


class OrgStatsPdf(PdfReport):
    title = TITLE
    subtitle = "按单位类型、区(市)县、角色和单位统计"

    def build_story(self, params):
        data = collect(self.user, params)
        story = [
            self.paragraph(
                f"截至报表生成时，统计范围内共有组织机构 {data['org_count']} 个、用户 {data['user_count']} 名。"
                "统计范围按报表申请人的数据权限确定。"
            ),
            self.heading("一、组织机构（按区(市)县和单位类型）"),
        ]
        header = ["区(市)县", *data["kinds"], "合计"]
        n = len(header)
        widths = [0.2] + [0.8 / (n - 1)] * (n - 1)
        story.append(self.table(data["org_rows"] + [["合计", *data["org_totals"]]], header=header, col_widths=widths, total_row=True))
        story += [self.heading("二、用户（按角色）")]
        story.append(self.table(data["role_rows"], header=["角色", "默认数据范围", "用户数"], col_widths=[0.45, 0.35, 0.2]))
        story += [self.heading("三、用户（按单位）")]
        story.append(self.table(data["org_user_rows"], header=["单位名称", "单位编码", "单位类型", "区(市)县", "用户数"],
                                col_widths=[0.38, 0.16, 0.16, 0.16, 0.14]))
        return story


class OrgStatsExcel(ExcelReport):
    title = TITLE

    def sheets(self, params):
        data = collect(self.user, params)
        yield Sheet("组织机构统计", [Column("区(市)县", 18)] + [Column(k, 14, "int") for k in data["kinds"]] + [Column("合计", 10, "int")],
                    data["org_rows"] + [["合计", *data["org_totals"]]], title=f"{TITLE}——组织机构")
        yield Sheet("角色用户统计", [Column("角色", 20), Column("默认数据范围", 18), Column("用户数", 10, "int")],
                    data["role_rows"], title=f"{TITLE}——按角色")
        yield Sheet("单位用户统计", [Column("单位名称", 36), Column("单位编码", 16), Column("单位类型", 14),
                                    Column("区(市)县", 14), Column("用户数", 10, "int")],
                    data["org_user_rows"], title=f"{TITLE}——按单位")
