from django.urls import path

from egov_base.generic.urls import urlpatterns_for

from . import views
from .urls_topology import urlpatterns as topology_urlpatterns

app_name = "egov_cmdb"

urlpatterns = [
    path("", views.ci_home, name="home"),
    path("ci/", views.ci_home, name="ci_home"),
    path("ci/lookup/", views.ci_lookup, name="ci_lookup"),
    path("ci/class/<slug:code>/", views.ci_list, name="ci_list"),
    path("ci/class/<slug:code>/export/", views.ci_export, name="ci_export"),
    path("ci/class/<slug:code>/add/", views.ci_add, name="ci_add"),
    path("ci/class/<slug:code>/queries/save/", views.saved_query_save, name="saved_query_save"),
    path("ci/queries/<int:pk>/delete/", views.saved_query_delete, name="saved_query_delete"),
    path("ci/<int:pk>/", views.ci_detail, name="ci_detail"),
    path("ci/<int:pk>/edit/", views.ci_edit, name="ci_edit"),
    path("ci/<int:pk>/delete/", views.ci_delete, name="ci_delete"),
    path("ci/<int:pk>/status/", views.ci_status, name="ci_status"),
    path("ci/<int:pk>/transition/<slug:name>/", views.ci_transition, name="ci_transition"),
    path("ci/<int:pk>/versions/<int:version>/", views.version_detail, name="ci_version"),
    path("ci/<int:pk>/versions/<int:version>/restore/", views.ci_restore, name="ci_restore"),
    path("ci/<int:pk>/relations/add/", views.relation_add, name="relation_add"),
    path("relations/<int:pk>/delete/", views.relation_delete, name="relation_delete"),
    path("model/", views.class_designer, name="class_designer"),
    path("model/class/add/", views.class_edit, name="class_add"),
    path("model/class/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("model/class/<int:pk>/delete/", views.class_delete, name="class_delete"),
    path("model/class/<int:cls_pk>/attributes/add/", views.attribute_edit, name="attribute_add"),
    path("model/attributes/<int:pk>/edit/", views.attribute_edit, name="attribute_edit"),
    path("model/attributes/<int:pk>/delete/", views.attribute_delete, name="attribute_delete"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_map, name="import_map"),
    path("import/template/<slug:code>/", views.import_template, name="import_template"),
    *topology_urlpatterns,
    *urlpatterns_for("egov_cmdb"),
]
