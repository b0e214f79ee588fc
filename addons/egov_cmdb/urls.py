from egov_base.generic.urls import urlpatterns_for

from .urls_topology import urlpatterns as topology_urlpatterns

app_name = "egov_cmdb"

urlpatterns = [
    *topology_urlpatterns,
    *urlpatterns_for("egov_cmdb"),
]
