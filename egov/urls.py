from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("sys/django-admin/", admin.site.urls),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("api/", include("egov_base.api.urls")),
]
# Domain apps mount themselves at /<app short name>/ through their own urls module.
for _app in settings.EGOV_ADDONS:
    try:
        import_module(f"{_app}.urls")
    except ModuleNotFoundError:
        continue
    urlpatterns.append(path(f"{_app.removeprefix('egov_').replace('_', '-')}/", include(f"{_app}.urls")))
if settings.TESTING:
    urlpatterns.append(path("test-oidc/", include("tests.oidc_provider.urls")))
urlpatterns.append(path("", include("egov_base.ui.root_urls")))
urlpatterns.append(path("", include("egov_base.urls")))
