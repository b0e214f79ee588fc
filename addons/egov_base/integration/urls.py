from django.urls import path

from . import views

urlpatterns = [
    path("", views.call_list, name="integration_calls"),
    path("systems/<int:pk>/reset-breaker/", views.breaker_reset, name="integration_breaker_reset"),
]
