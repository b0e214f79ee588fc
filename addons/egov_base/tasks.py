"""Celery discovers ``egov_base.tasks``; each area keeps its tasks in ``<area>/tasks.py``."""

from importlib import import_module

for _area in ("notify", "inbox", "workflow", "reports", "integration"):
    import_module(f"egov_base.{_area}.tasks")
