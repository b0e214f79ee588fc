"""The API router every area and app registers its viewsets with (mounted at /api/v1/):

    from egov_base.api.router import router
    router.register("cmdb/ci", ConfigurationItemViewSet, basename="cmdb-ci")

Do this in your app's ``registrations.py`` (or ``api/__init__``) so it runs before URLs load.
"""

from rest_framework.routers import DefaultRouter


class EgovRouter(DefaultRouter):
    include_format_suffixes = False

    def is_registered(self, prefix: str) -> bool:
        return any(p == prefix for p, _v, _b in self.registry)

    def register(self, prefix, viewset, basename=None):
        if self.is_registered(prefix):
            return  # idempotent: re-importing a registrations module does not register twice
        super().register(prefix, viewset, basename)


router = EgovRouter()
