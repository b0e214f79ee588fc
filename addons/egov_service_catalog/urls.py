from egov_base.generic.urls import urlpatterns_for

from .urls_ops import urlpatterns as ops_urlpatterns

app_name = "egov_service_catalog"

urlpatterns = [
    *ops_urlpatterns,
    *urlpatterns_for("egov_service_catalog"),
]
