from django.urls import path

from egov_base.generic.urls import urlpatterns_for

from . import api, views

app_name = "egov_project_review"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/add/", views.proposal_add, name="proposal_add"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/do/<slug:op>/", views.proposal_do, name="proposal_do"),
    path("proposals/<int:pk>/document/", views.document, name="document"),
    path("proposals/<int:pk>/document/save/", views.document_save, name="document_save"),
    path("consultations/<int:pk>/files/", views.consultation_files, name="consultation_files"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/add/", views.template_add, name="template_add"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/<slug:op>/", views.template_action, name="template_action"),
    path("controls/", views.control_list, name="control_list"),
    path("api/proposals/", api.ProposalListAPI.as_view(), name="api_proposal_list"),
    path("api/proposals/<int:pk>/", api.ProposalDetailAPI.as_view(), name="api_proposal_detail"),
    *urlpatterns_for("egov_project_review"),
]
