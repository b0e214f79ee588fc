"""URLs of the topology, impact analysis and statistics screens (included by urls.py)."""

from django.urls import path

from . import views_stats
from . import views_topology as v

urlpatterns: list = [
    path("topology/", v.topology_index, name="topology_index"),
    path("topology/ci/<int:pk>/", v.topology_ci, name="topology_ci"),
    path("topology/ci/<int:pk>/status/", v.topology_ci_status, name="topology_ci_status"),
    path("topology/ci/<int:pk>/save/", v.topology_view_save_new, name="topology_view_save_new"),
    path("topology/graph/", v.topology_graph_json, name="topology_graph"),
    path("topology/impact/", v.topology_impact_json, name="topology_impact"),
    path("topology/view/<int:pk>/", v.topology_view, name="topology_view"),
    path("topology/view/<int:pk>/layout/", v.topology_view_layout, name="topology_view_layout"),
    path("topology/view/<int:pk>/copy/", v.topology_view_copy_page, name="topology_view_copy"),
    path("stats/", views_stats.ci_stats, name="ci_stats"),
    path("stats/export/", views_stats.ci_stats_export, name="ci_stats_export"),
]
