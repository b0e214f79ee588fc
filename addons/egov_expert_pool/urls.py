from django.urls import path

from egov_base.generic.urls import urlpatterns_for

from . import views

app_name = "egov_expert_pool"

urlpatterns = [
    path("expert/<int:pk>/tags/", views.expert_tags, name="expert_tags"),
    path("expert/<int:pk>/status/<str:name>/", views.expert_transition, name="expert_transition"),
    path("expert/change/<int:pk>/review/", views.expert_change_review, name="expert_change_review"),
    path("expert/id-card/", views.expert_idcard_search, name="expert_idcard_search"),
    path("cleanup/", views.cleanup_list, name="cleanup"),
    path("activity/new/", views.activity_create, name="activity_create"),
    # the activity page replaces the generic detail page (same path, matched first)
    path("activity/<int:pk>/", views.activity_detail, name="activity_show"),
    path("activity/<int:pk>/status/", views.activity_status, name="activity_status"),
    path("activity/<int:pk>/commit/", views.activity_commit, name="activity_commit"),
    path("activity/<int:pk>/execute/", views.activity_execute, name="activity_execute"),
    path("activity/<int:pk>/invite/", views.activity_invite, name="activity_invite"),
    path("activity/<int:pk>/replace/", views.activity_replace, name="activity_replace"),
    path("activity/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activity/<int:pk>/booking/<int:booking_id>/confirm/", views.booking_confirm, name="booking_confirm"),
    path("activity/<int:pk>/result/", views.activity_result, name="activity_result"),
    path("activity/<int:pk>/evaluate/", views.activity_evaluate, name="activity_evaluate"),
    path("activity/<int:pk>/verify/", views.activity_verify, name="activity_verify"),
    path("activity/<int:pk>/draw/<int:draw_id>/snapshot.json", views.activity_draw_export, name="activity_draw_export"),
    path("activity/<int:pk>/record.pdf", views.activity_pdf, name="activity_pdf"),
    path("statistics/", views.statistics, name="statistics"),
    path("fees/", views.fees, name="fees"),
    path("grants/", views.grants, name="grants"),
    path("grants/<int:pk>/close/", views.grant_close, name="grant_close"),
    path("voice/callback/", views.voice_callback, name="voice_callback"),
    *urlpatterns_for("egov_expert_pool"),
]
