"""CMDB REST API, registered with egov_base's router (/api/v1/cmdb/...). The impact-analysis endpoint lives in
``api/impact.py`` (CMDB-topology) and registers itself when that module is present."""

from egov_base.api.router import router

from .views import CIClassViewSet, CIViewSet, RelationTypeViewSet, RelationViewSet

router.register("cmdb/classes", CIClassViewSet, basename="cmdb-class")
router.register("cmdb/relation-types", RelationTypeViewSet, basename="cmdb-relation-type")
router.register("cmdb/ci", CIViewSet, basename="cmdb-ci")
router.register("cmdb/relations", RelationViewSet, basename="cmdb-relation")

try:  # CMDB-topology's impact endpoint (optional module)
    from .impact import *  # noqa: F401,F403
except ModuleNotFoundError as exc:  # pragma: no cover - only while the module does not exist yet
    if exc.name != f"{__name__}.impact":
        raise
