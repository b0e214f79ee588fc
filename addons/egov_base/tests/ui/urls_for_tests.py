"""The project URLs as the coordinator will mount them (root ``login`` name included), without test-only
peers other areas add, so the shell tests do not depend on them."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("", include("egov_base.ui.root_urls")),
    path("", include("egov_base.urls")),
]
