from django.urls import path

from . import views

urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("stats/", views.audit_stats, name="audit_stats"),
    path("verify/", views.audit_verify, name="audit_verify"),
]
