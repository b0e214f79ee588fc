"""Registrations of this app with egov_base: menu, generic views, roles and grants, events, search, reports."""

from . import registrations_topology  # noqa: F401  (topology, impact, statistics)
