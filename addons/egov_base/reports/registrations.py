"""Reports of egov_base and the reports area's role grants."""

from django.utils.translation import gettext_lazy as _

from ..org.roles import grant
from ..schedules import periodic
from .org_stats import OrgStatsExcel, OrgStatsForm, OrgStatsPdf
from .registry import register_report

register_report(
    "egov_base.org_stats", [OrgStatsPdf, OrgStatsExcel], name=_("组织机构与用户统计"), form=OrgStatsForm,
    permission="egov_base.view_organization", category=_("平台基础"),
    description=_("各区(市)县、各类型单位数量；各角色、各单位用户数量。按申请人的数据范围统计。"),
)

for _role in ("city_admin", "district_admin", "centre_leader", "dept_head"):
    grant(_role, "egov_base.view_reportrun", "egov_base.add_reportrun")
grant("centre_leader", "egov_base.view_reportschedule")

# Declared here (imported at start-up) so egov_sync_schedules sees it in every process.
periodic("报表计划执行", "egov_base.reports.run_due_schedules", every_seconds=60,
         description="每分钟检查报表计划，生成到期报表并以待阅事项发送给接收人")
