"""/api/: schema, docs and the v1 router (egov_base.api.router.router)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated

from egov_base.search.api import SearchAPIView

from .router import router
from .views import MeView, OrganizationViewSet, UserViewSet, viewset_for

router.register("egov_base/organization", OrganizationViewSet, basename="egov_base-organization")
router.register("egov_base/user", UserViewSet, basename="egov_base-user")


def _register_generic_models():
    """Models registered with the generic registry with config.api=True get a viewset automatically."""
    from egov_base.generic.registry import iter_registered

    for item in iter_registered():
        model, config = item if isinstance(item, tuple) else (getattr(item, "model", None), item)
        if model is None or not getattr(config, "api", False):
            continue
        prefix = f"{model._meta.app_label}/{model._meta.model_name}"
        if router.is_registered(prefix):
            continue
        router.register(prefix, viewset_for(model, config), basename=prefix.replace("/", "-"))


_register_generic_models()

_auth = [IsAuthenticated]
urlpatterns = [
    path("v1/me/", MeView.as_view(), name="api-me"),
    path("v1/inbox/", include("egov_base.inbox.api_urls")),
    path("v1/search/", SearchAPIView.as_view(), name="api-search"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=_auth), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=_auth), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema", permission_classes=_auth), name="api-redoc"),
]
