"""Top-level (un-namespaced) names the project needs: ``login`` for settings.LOGIN_URL.
Mounted in egov/urls.py with ``path("", include("egov_base.ui.root_urls"))`` before egov_base.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
]
