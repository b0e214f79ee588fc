"""Registrations of this app with egov_base: menu, generic views, roles and grants, events, search, reports."""

from django.utils.translation import gettext_lazy as _

from egov_base.files.validation import register_purpose
from egov_base.generic.registry import ModelConfig, register
from egov_base.notify.services import register_event
from egov_base.org.roles import grant, register_role
from egov_base.schedules import periodic
from egov_base.scope import DataScope
from egov_base.search.registry import register_search
from egov_base.ui.menu import MenuItem, register_menu

from .models import DistrictControl, Proposal, ReplyTemplate, RoutingRule, Tag

APP = "egov_project_review."

# --- roles ------------------------------------------------------------------------------------------------
# Reused: dept_user = 报审单位, dept_head = 部门主任, centre_leader = 中心领导, reviewer = 预审/审核人员,
# district_admin = 区县项目管理员.
register_role("pr_intake", _("接件人员"), DataScope.CITY, "backend", _("市级方案接件：只看市级部门的申报方案"))
register_role("pr_accept", _("受理人员"), DataScope.ALL, "backend", _("方案受理、抽取专家、录入专家评审结果"))
register_role("pr_reply", _("回函人员"), DataScope.ALL, "backend", _("方案回函"))
register_role("pr_tech_expert", _("技术专家"), DataScope.ALL, "backend", _("中心技术专家，参与方案会签"))

VIEW = [APP + "view_proposal", APP + "view_tag", APP + "view_proposaltemplate", APP + "view_replytemplate",
        APP + "view_consultation"]
grant("dept_user", *VIEW, APP + "add_proposal", APP + "change_proposal", APP + "delete_proposal")
grant("district_admin", *VIEW, APP + "intake_proposal", APP + "review_proposal", APP + "accept_proposal",
      APP + "reply_proposal", APP + "annotate_proposal", APP + "view_districtcontrol")
grant("pr_intake", *VIEW, APP + "intake_proposal", APP + "annotate_proposal")
grant("dept_head", *VIEW, APP + "assign_proposal", APP + "countersign_proposal", APP + "view_routingrule")
grant("centre_leader", *VIEW, APP + "approve_transfer_proposal", APP + "countersign_proposal")
grant("reviewer", *VIEW, APP + "review_proposal", APP + "annotate_proposal")
grant("pr_accept", *VIEW, APP + "accept_proposal", APP + "annotate_proposal")
# 受理人员 organise the 专家评审 through the expert pool's service API (its permissions, granted here by name only).
grant("pr_accept", *[f"egov_expert_pool.{x}" for x in ("view_expert", "view_activity", "add_activity", "change_activity",
                                                       "draw_activity", "view_drawn_experts", "evaluate_expert")])
grant("pr_reply", *VIEW, APP + "reply_proposal", APP + "annotate_proposal")
grant("pr_tech_expert", *VIEW, APP + "countersign_proposal")
ADMIN = [f"{APP}{a}_{m}" for m in ("proposaltemplate", "intensivetemplate", "replytemplate", "tag", "routingrule",
                                   "districtcontrol") for a in ("view", "add", "change", "delete")]
grant("city_admin", *VIEW, *ADMIN, APP + "manage_controls")

# --- files ------------------------------------------------------------------------------------------------
register_purpose("pr_base", _("项目基础方案"), groups=["office", "pdf", "ofd"], max_mb=50, encrypt=True)
register_purpose("pr_document", _("完整方案文档"), kinds=["docx"], max_mb=100, encrypt=True)
register_purpose("pr_pdf", _("完整方案 PDF"), groups=["pdf"], max_mb=100, encrypt=True)
register_purpose("pr_minutes", _("会商/评审材料"), groups=["office", "pdf", "image", "ofd"], max_mb=50, encrypt=True)
register_purpose("pr_reply", _("回函"), kinds=["docx"], max_mb=20, encrypt=True)
register_purpose("pr_template", _("回函模版"), kinds=["docx"], max_mb=20, encrypt=False)

# --- notifications ------------------------------------------------------------------------------------
_SAMPLE = {"proposal": {"title": "成都市不动产登记信息平台升级改造项目", "number": "XM-2026-000001",
                        "organization": "成都市规划和自然资源局", "stage": "方案预审", "reason": "建设内容不完整"}}
register_event("project_review.handover", _("项目方案流转提醒"),
               subject="【项目评审】{{ proposal.title }} 待您办理（{{ proposal.stage }}）",
               body="{{ recipient.name }}您好，{{ proposal.organization }}申报的《{{ proposal.title }}》"
                    "（{{ proposal.number }}）已流转至“{{ proposal.stage }}”环节，请及时办理。",
               sms="【项目评审】《{{ proposal.title }}》已流转至{{ proposal.stage }}环节，请及时办理。",
               channels=("inapp", "sms"), sample_context=_SAMPLE)
register_event("project_review.returned", _("项目方案退回"),
               subject="【项目评审】{{ proposal.title }} 已退回",
               body="您申报的《{{ proposal.title }}》（{{ proposal.number }}）已退回，原因：{{ proposal.reason }}。"
                    "请修改后重新提交或终止申报。",
               sms="【项目评审】《{{ proposal.title }}》已退回：{{ proposal.reason }}", channels=("inapp", "sms"),
               sample_context=_SAMPLE)
register_event("project_review.replied", _("项目方案已回函"),
               subject="【项目评审】{{ proposal.title }} 已回函",
               body="您申报的《{{ proposal.title }}》（{{ proposal.number }}）已完成评审并回函，请登录系统查看回函。",
               sms="【项目评审】《{{ proposal.title }}》已回函，请登录系统查看。", channels=("inapp", "sms"),
               sample_context=_SAMPLE)
register_event("project_review.notice", _("方案受理通知"), subject="【项目评审】{{ proposal.title }} 受理通知",
               body="{{ message }}", sms="【项目评审】{{ message }}", channels=("sms",),
               sample_context={**_SAMPLE, "message": "请于本周五前补充资源需求测算说明。"})
register_event("project_review.overdue", _("项目方案办理超时提醒"),
               subject="【项目评审】{{ proposal.title }} 已在“{{ proposal.stage }}”停留 {{ days }} 天",
               body="《{{ proposal.title }}》（{{ proposal.number }}）已在“{{ proposal.stage }}”环节停留 {{ days }} 天，"
                    "请尽快办理。",
               sms="【项目评审】《{{ proposal.title }}》{{ proposal.stage }}已超时{{ days }}天，请尽快办理。",
               channels=("inapp", "sms"), sample_context={**_SAMPLE, "days": 4})

periodic("project_review.remind_overdue", "egov_project_review.remind_overdue", crontab="0 9 * * 1-5",
         description="项目评审：各环节超过 3 天未办理的方案提醒办理人")

# --- generic views for reference data -------------------------------------------------------------------
register(Tag, ModelConfig(
    menu="project_review", list_display=["name", "category", "keywords", "active"], list_filter=["category", "active"],
    search_fields=["name", "keywords"], form_fields=["name", "category", "keywords", "active"],
    import_fields=["name", "category", "keywords", "active"], import_key="name", ordering=["category", "name"]))
register(RoutingRule, ModelConfig(
    menu="project_review", list_display=["name", "kind", "organization", "keyword", "head", "priority", "active"],
    list_filter=["kind", "active"], search_fields=["name", "keyword"],
    form_fields=["name", "kind", "organization", "keyword", "head", "priority", "active"],
    select_related=["organization", "head"], ordering=["priority"]))
register(ReplyTemplate, ModelConfig(
    menu="project_review", list_display=["name", "level", "active", "updated_at"], list_filter=["level", "active"],
    search_fields=["name"], form_fields=["name", "level", "active", "body"], can_import=False))
register(DistrictControl, ModelConfig(
    menu="project_review", list_display=["region", "prereview_enabled", "note", "updated_at"],
    list_filter=["prereview_enabled"], form_fields=["region", "prereview_enabled", "note"], can_import=False,
    can_delete=False, select_related=["region"], ordering=["region__path"]))

register_search(Proposal, title=lambda p: f"{p.number} {p.title}",
                body=lambda p: " ".join([p.get_kind_display(), str(p.organization), *(p.content or {}).values()]),
                category=_("项目方案"), select_related=("organization",), condition=lambda p: p.state != "draft")

# --- menu -------------------------------------------------------------------------------------------------
register_menu("project_review", _("项目评审"), "ti ti-file-certificate", 300, items=[
    MenuItem(_("评审工作台"), "egov_project_review:workbench", perm=APP + "view_proposal", order=10),
    MenuItem(_("项目方案"), "egov_project_review:proposal_list", perm=APP + "view_proposal", order=20),
    MenuItem(_("方案申报"), "egov_project_review:proposal_add", perm=APP + "add_proposal", order=30),
    MenuItem(_("模版管理"), "egov_project_review:template_list", perm=APP + "view_proposaltemplate", order=40),
    MenuItem(_("区县预审服务管控"), "egov_project_review:control_list", perm=APP + "view_districtcontrol", order=50),
    MenuItem(_("任务分配规则"), "egov_project_review:routingrule_list", perm=APP + "view_routingrule", order=60),
    MenuItem(_("标签词表"), "egov_project_review:tag_list", perm=APP + "change_tag", order=70),
    MenuItem(_("回函模版"), "egov_project_review:replytemplate_list", perm=APP + "change_replytemplate", order=80),
])
