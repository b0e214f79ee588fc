"""Registrations of this app with egov_base: menu, generic views, roles and grants, events, search, reports."""

from django.utils.translation import gettext_lazy as _

from egov_base.api.router import router
from egov_base.generic.registry import ExtraAction, ModelConfig, register, register_detail_tab
from egov_base.notify.services import register_event
from egov_base.org.roles import grant, register_role
from egov_base.schedules import periodic
from egov_base.scope import DataScope
from egov_base.ui.menu import MenuItem, register_menu

from .api import ActivityViewSet, ExpertViewSet
from .forms import ExpertForm
from .models import Activity, Expert, ExpertChange, ExpertLeave

APP = "egov_expert_pool"


def _id_card(request, obj):
    if request is not None and request.user.has_perm(f"{APP}.view_expert_id_card"):
        return obj.id_card
    return obj.id_card_masked


def _phone(request, obj):
    if request is not None and request.user.has_perm(f"{APP}.change_expert"):
        return obj.phone_display
    return obj.phone_masked


def _specialties(request, obj):
    return "、".join(obj.specialty_names)


def _list(name):
    return lambda request, obj: "、".join(getattr(obj, name) or [])


def _expert_update(*, user, obj, form):
    from .services import expert_update

    return expert_update(user=user, obj=obj, form=form)


register(Expert, ModelConfig(
    menu="expert_pool",
    list_display=["name", "specialties", "expert_type", "title", "employer", "phone", "tags", "status", "score",
                  "certificate_no", "id_card"],
    default_columns=["name", "specialties", "expert_type", "title", "employer", "tags", "status", "score"],
    list_filter=["status", "expert_type", "title", "gender"],
    search_fields=["name", "employer", "certificate_no", "qualification"],
    sortable=["name", "expert_type", "title", "employer", "status", "score", "certificate_no"],
    ordering=["name"],
    form_class=ExpertForm,
    fieldsets=[
        (_("基本信息"), ["name", "gender", "specialties", "expert_type", "title", "qualification", "certificate_no"]),
        (_("任职与联系"), ["employer", "past_employers", "phone", "id_card"]),
        (_("评价"), ["tags", "score", "eval_count", "status_reason", "notes"]),
    ],
    field_renderers={"id_card": _id_card, "phone": _phone, "specialties": _specialties, "tags": _list("tags"),
                     "past_employers": _list("past_employers")},
    import_fields=["name", "gender", "specialties", "expert_type", "title", "qualification", "employer",
                   "past_employers", "phone", "id_card", "certificate_no", "tags", "notes"],
    import_key="certificate_no",
    update_service=_expert_update,
    detail_template="egov_expert_pool/expert_detail.html",
    api=False,
    actions=[ExtraAction(label=_("身份证精确查询"), url_name=f"{APP}:expert_idcard_search", icon="ti ti-id",
                         list=True, with_pk=False, perm=f"{APP}.view_expert")],
))

register(ExpertLeave, ModelConfig(
    menu="expert_pool",
    list_display=["expert", "start", "end", "reason"],
    list_filter=["start"],
    search_fields=["expert__name", "reason"],
    form_fields=["expert", "start", "end", "reason"],
    import_fields=["expert", "start", "end", "reason"],
    select_related=["expert"],
))

register(ExpertChange, ModelConfig(
    menu="expert_pool",
    list_display=["expert", "status", "created_by", "created_at", "reviewed_by", "reviewed_at", "comment"],
    list_filter=["status", "created_at"],
    search_fields=["expert__name"],
    can_add=False, can_edit=False, can_delete=False, can_import=False, api=False,
    select_related=["expert", "created_by", "reviewed_by"],
))

register(Activity, ModelConfig(
    menu="expert_pool",
    list_display=["number", "title", "date", "half_day", "place", "organization", "state"],
    list_filter=["state", "half_day", "date", "organization"],
    search_fields=["number", "title", "place"],
    ordering=["-date", "-pk"],
    can_add=False, can_edit=False, can_delete=False, can_import=False, api=False,
    select_related=["organization"],
    actions=[ExtraAction(label=_("新建抽取活动"), url_name=f"{APP}:activity_create", icon="ti ti-plus", list=True,
                         with_pk=False, perm=f"{APP}.add_activity")],
))


def _bookings_ctx(request, obj):
    return {"bookings": list(obj.bookings.select_related("activity", "evaluation").order_by("-date")[:50])}


def _leaves_ctx(request, obj):
    return {"leaves": list(obj.leaves.all()[:50])}


register_detail_tab(key="ep_bookings", label=_("参评记录"), template="egov_expert_pool/partials/tab_bookings.html",
                    context=_bookings_ctx, order=30, models=[Expert],
                    condition=lambda request, obj: request.user.has_perm(f"{APP}.view_drawn_experts"))
register_detail_tab(key="ep_leaves", label=_("请假"), template="egov_expert_pool/partials/tab_leaves.html",
                    context=_leaves_ctx, order=25, models=[Expert])

router.register(f"{APP}/expert", ExpertViewSet, basename=f"{APP}-expert")
router.register(f"{APP}/activity", ActivityViewSet, basename=f"{APP}-activity")

# --- menu ---------------------------------------------------------------------------------------------------
register_menu("expert_pool", _("专家库"), "ti ti-school", 420, items=[
    MenuItem(_("专家库"), f"{APP}:expert_list", perm=f"{APP}.view_expert", order=10),
    MenuItem(_("信息变更审核"), f"{APP}:expertchange_list", perm=f"{APP}.review_expert", order=15),
    MenuItem(_("请假登记"), f"{APP}:expertleave_list", perm=f"{APP}.view_expertleave", order=20),
    MenuItem(_("抽取活动"), f"{APP}:activity_list", perm=f"{APP}.view_activity", order=30),
    MenuItem(_("专家费"), f"{APP}:fees", perm=f"{APP}.view_activity", order=40),
    MenuItem(_("抽取统计"), f"{APP}:statistics", perm=f"{APP}.view_expert", order=50),
    MenuItem(_("清理不合格专家"), f"{APP}:cleanup", perm=f"{APP}.review_expert", order=60),
    MenuItem(_("市级专家库授权"), f"{APP}:grants", perm=f"{APP}.view_districtgrant", order=70),
])

# --- roles and grants ---------------------------------------------------------------------------------------
register_role("expert_admin", _("专家库管理员"), DataScope.ALL, "backend",
              _("维护专家库、审核专家信息、维护标签、清理不合格专家、组织专家抽取"))

_EXPERT_ALL = [f"{APP}.{p}" for p in (
    "view_expert", "add_expert", "change_expert", "delete_expert", "view_expert_id_card", "review_expert",
    "edit_expert_tags", "view_expertchange", "view_expertleave", "add_expertleave", "change_expertleave",
    "delete_expertleave")]
_ACTIVITY = [f"{APP}.{p}" for p in (
    "view_activity", "add_activity", "change_activity", "draw_activity", "view_drawn_experts", "evaluate_expert")]
grant("expert_admin", *_EXPERT_ALL, *_ACTIVITY, f"{APP}.view_districtgrant", f"{APP}.manage_district_grant")
# 评审人员 organise reviews: draw, confirm, evaluate; they see the library without full ID numbers.
grant("reviewer", f"{APP}.view_expert", f"{APP}.view_expertleave", f"{APP}.add_expertleave", *_ACTIVITY)
grant("city_admin", f"{APP}.view_expert", f"{APP}.view_activity", f"{APP}.view_districtgrant",
      f"{APP}.manage_district_grant")
grant("district_admin", f"{APP}.view_activity", f"{APP}.add_activity", f"{APP}.change_activity",
      f"{APP}.draw_activity", f"{APP}.view_districtgrant")
grant("centre_leader", f"{APP}.view_expert", f"{APP}.view_activity", f"{APP}.view_districtgrant")
grant("dept_head", f"{APP}.view_expert", f"{APP}.view_activity")
grant("auditor", f"{APP}.view_activity", f"{APP}.view_districtgrant")

# --- notifications ------------------------------------------------------------------------------------------
register_event(
    "expert_pool.meeting_notice", _("专家评审会议通知"),
    subject="评审会议通知：{{ title }}",
    body="{{ expert }}专家您好：感谢您确认参加“{{ title }}”专家评审，时间{{ slot }}，地点{{ place }}。活动编号{{ number }}。",
    sms="【成都市大数据中心】{{ expert }}专家您好，请于{{ slot }}到{{ place }}参加“{{ title }}”评审（{{ number }}）。",
    channels=("sms",),
    sample_context={"expert": "张伟", "title": "成都市政务云扩容项目技术方案评审", "slot": "2026年12月1日 上午",
                    "place": "成都市大数据中心 3 楼会议室", "number": "ZJCQ-2026-000001"},
)
register_event(
    "expert_pool.call_fallback", _("专家抽取电话未接通短信"),
    subject="专家评审邀请：{{ title }}",
    body="{{ expert }}专家您好：邀请您于{{ slot }}在{{ place }}参加“{{ title }}”评审，电话未能接通，请回电确认。",
    sms="【成都市大数据中心】{{ expert }}专家您好，邀请您于{{ slot }}在{{ place }}参加“{{ title }}”评审，电话未接通，请回电 028-61880000 确认。",
    channels=("sms",),
    sample_context={"expert": "张伟", "title": "成都市政务云扩容项目技术方案评审", "slot": "2026年12月1日 上午",
                    "place": "成都市大数据中心 3 楼会议室", "number": "ZJCQ-2026-000001"},
)

periodic("egov_expert_pool.sweep_calls", "egov_expert_pool.sweep_calls", every_seconds=300,
         description="专家抽取：超时未回调的语音呼叫按未接通处理（重拨或补抽）")


def _register_search():
    try:
        from egov_base.search.registry import register_search
    except ImportError:  # pragma: no cover
        return
    register_search(Expert, title=lambda o: f"{o.name}（{o.employer}）", body_fields=("employer", "qualification"),
                    category=_("专家库"))
    register_search(Activity, body_fields=("title", "place"), category=_("抽取活动"))


_register_search()


def _register_reports():
    from egov_base.reports.registry import register_report

    from .reports import ExpertStatsExcel, FeesExcel

    register_report("egov_expert_pool.stats", [ExpertStatsExcel], name=_("专家抽取统计"),
                    permission=f"{APP}.view_expert", category=_("专家库"))
    register_report("egov_expert_pool.fees", [FeesExcel], name=_("专家费明细"),
                    permission=f"{APP}.view_activity", category=_("专家库"))


_register_reports()
