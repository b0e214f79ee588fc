"""Imports every area's registrations (generic views, search, menu, role grants, notification events).
Runs from AppConfig.ready()."""

from importlib import import_module

AREAS = [
    "org", "audit", "workflow", "inbox", "notify", "content", "dictionary", "files", "search",
    "integration", "reports", "generic", "ui",
]

for _area in AREAS:
    import_module(f"egov_base.{_area}.registrations")
