"""Registrations of this app with egov_base: menu, generic views, roles and grants, events, search, reports."""
