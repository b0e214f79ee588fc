"""Celery discovers ``egov_base.tasks``; each area keeps its tasks in ``<area>/tasks.py``."""

from importlib import import_module

for _area in ("notify", "inbox", "workflow", "reports", "audit", "integration", "search", "files"):
    _name = f"egov_base.{_area}.tasks"
    try:
        import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise
