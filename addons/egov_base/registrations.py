"""Imports every area's registrations (generic views, search, menu, role grants, notification events).
Runs from AppConfig.ready()."""

from importlib import import_module

AREAS = [
    "org", "audit", "workflow", "inbox", "notify", "content", "dictionary", "files", "search",
    "integration", "reports", "generic", "ui", "api", "security", "auth",
]

for _area in AREAS:
    _name = f"egov_base.{_area}.registrations"
    try:
        import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise
