from django.urls import include, path

from . import views

urlpatterns = [
    path("login/", views.provider_login, name="test_oidc_login"),
    path("authorize/", views.ProviderAuthorizationView.as_view(), name="test_oidc_authorize"),
    path("", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
