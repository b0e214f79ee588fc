"""Registrations of this app with egov_base: menu, generic views, roles and grants, events, search, reports."""

from . import registrations_ops  # noqa: F401  (resources, billing, outsourcing, reports, portal extras)
