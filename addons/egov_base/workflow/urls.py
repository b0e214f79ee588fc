from django.urls import path

from . import views

urlpatterns = [
    path("trace/<int:ct_id>/<str:pk>/", views.trace, name="workflow_trace"),
    path("transition/<int:ct_id>/<str:pk>/<str:name>/", views.do_transition, name="workflow_transition"),
    path("approval/panel/<int:ct_id>/<str:pk>/", views.approval_panel, name="approval_panel"),
    path("approval/<int:instance_id>/act/", views.approval_do, name="approval_act"),
    path("chains/", views.chain_list, name="approval_chain_list"),
    path("chains/add/", views.chain_edit, name="approval_chain_add"),
    path("chains/<int:pk>/", views.chain_edit, name="approval_chain_edit"),
    path("chains/<int:pk>/preview/", views.chain_preview, name="approval_chain_preview"),
]
