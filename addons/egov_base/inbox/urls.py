from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="inbox_badge"),
    path("<int:pk>/open/", views.open_task, name="inbox_open"),
    path("<int:pk>/claim/", views.claim, name="inbox_claim"),
    path("<int:pk>/read/", views.mark_read, name="inbox_read"),
]
