from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/download/", views.download, name="attachment_download"),
    path("<int:pk>/replace/", views.replace, name="attachment_replace"),
    path("<int:pk>/delete/", views.delete, name="attachment_delete"),
    path("for/<int:ct_id>/<str:object_id>/", views.attachment_list, name="attachment_list"),
    path("for/<int:ct_id>/<str:object_id>/upload/", views.upload, name="attachment_upload"),
]
