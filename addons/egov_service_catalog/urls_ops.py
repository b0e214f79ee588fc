"""URLs of the operations side (resources, billing, outsourcing, reports, management portal, analytics, portal
tickets/feedback/questionnaires); included by urls.py."""

from django.urls import path

from .views import ops_manage, ops_portal, ops_provider

urlpatterns: list = [
    # backend
    path("ops/dashboard/", ops_manage.dashboard, name="ops_dashboard"),
    path("ops/analytics/", ops_manage.analytics_page, name="ops_analytics"),
    path("ops/analytics/export/", ops_manage.analytics_export, name="ops_analytics_export"),
    path("ops/pools/<int:pk>/sync/", ops_manage.pool_sync, name="ops_pool_sync"),
    path("ops/bills/import/", ops_manage.bill_import, name="ops_bill_import"),
    path("ops/bills/<int:pk>/", ops_manage.bill_detail, name="ops_bill"),
    path("ops/bills/<int:pk>/export/<str:fmt>/", ops_manage.bill_export, name="ops_bill_export"),
    path("ops/bills/<int:pk>/<str:action>/", ops_manage.bill_action, name="ops_bill_action"),
    path("ops/deliverables/<int:pk>/<str:action>/", ops_manage.deliverable_action, name="ops_deliverable_action"),
    path("ops/tickets/<int:pk>/update/", ops_manage.ticket_action, name="ops_ticket_action"),
    path("ops/feedback/<int:pk>/reply/", ops_manage.feedback_action, name="ops_feedback_action"),
    path("ops/surveys/<int:pk>/results/", ops_manage.survey_results, name="ops_survey_results"),
    path("ops/surveys/<int:pk>/<str:action>/", ops_manage.survey_action, name="ops_survey_action"),
    path("ops/reports/generate/", ops_manage.report_generate, name="ops_report_generate"),
    # demo provider API (token protected)
    path("ops/provider/cloud-capacity/", ops_provider.cloud_capacity, name="ops_provider_cloud_capacity"),
    # department portal
    path("portal/workspace/", ops_portal.portal_home, name="ops_portal_home"),
    path("portal/reports/", ops_portal.portal_reports, name="ops_portal_reports"),
    path("portal/reports/<int:pk>/<str:fmt>/", ops_portal.report_download, name="ops_report_download"),
    path("portal/tickets/", ops_portal.ticket_mine, name="ops_portal_tickets"),
    path("portal/tickets/new/", ops_portal.ticket_new, name="ops_portal_ticket_new"),
    path("portal/tickets/<int:pk>/", ops_portal.ticket_detail, name="ops_portal_ticket"),
    path("portal/suggest/", ops_portal.suggest, name="ops_portal_suggest"),
    path("portal/complain/", ops_portal.complain, name="ops_portal_complain"),
    path("portal/feedback/", ops_portal.feedback_mine, name="ops_portal_feedback_mine"),
    path("portal/surveys/", ops_portal.survey_list, name="ops_portal_surveys"),
    path("portal/surveys/<int:pk>/", ops_portal.survey_answer, name="ops_portal_survey"),
]
