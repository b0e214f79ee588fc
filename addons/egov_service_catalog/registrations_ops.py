"""Registrations of the operations side (menus, generic views, grants, events, schedules, reports)."""
