"""The report registry: ``register_report(code, cls, name=..., form=...)`` in an app's registrations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class ReportSpec:
    code: str
    name: Any
    classes: dict  # format -> report class
    form: type | None = None  # a forms.Form; cleaned_data (JSON-serialisable) become the params
    permission: str | None = None  # needed to run/see the report (default: any signed-in user)
    description: Any = ""
    category: Any = ""

    @property
    def formats(self) -> list[str]:
        return list(self.classes)

    def can_run(self, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.is_superuser or not self.permission or user.has_perm(self.permission)


_REGISTRY: dict[str, ReportSpec] = {}


def register_report(code: str, cls, *, name, form=None, permission: str | None = None, description="", category="") -> ReportSpec:
    """Register a report. ``cls`` is a PdfReport or ExcelReport subclass, or a list of them (one per format:
    ``[OrgStatsPdf, OrgStatsExcel]``)."""
    classes = cls if isinstance(cls, (list, tuple)) else [cls]
    spec = ReportSpec(code=code, name=name, classes={c.format: c for c in classes}, form=form, permission=permission,
                      description=description, category=category)
    _REGISTRY[code] = spec
    return spec


def get_report(code: str) -> ReportSpec | None:
    return _REGISTRY.get(code)


def registered_reports(user=None) -> list[ReportSpec]:
    specs = list(_REGISTRY.values())
    return [s for s in specs if user is None or s.can_run(user)]
