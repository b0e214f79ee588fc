from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("runs/", views.report_history, name="report_history"),
    path("runs/<int:pk>/download/", views.report_download, name="report_download"),
    path("<str:code>/run/", views.report_run, name="report_run"),
]
