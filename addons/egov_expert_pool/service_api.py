"""Service API of the expert pool, used by other apps (project review's 专家评审 step).

This module is the stable contract: other apps import only from here (never the models), so the pool's inside can
change. Every function is data-scope and permission checked for ``user`` and audited; writes are idempotent where
the docstring says so. ``ExpertPoolError`` carries a Chinese message fit to show the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ExpertPoolError(Exception):
    """A refused request (rule, permission, authorisation): ``str(exc)`` is a message for the user."""


@dataclass(frozen=True)
class ReviewItem:
    """One thing under review (评审内容): a proposal of project review or a manually entered item."""
    title: str
    ref: str = ""                       # e.g. "egov_project_review.proposal:42"; "" for manual items
    applicant_org_id: int | None = None  # the applicant unit (conflict of interest)
    bidders: tuple[str, ...] = ()        # companies named in the content (conflict of interest)


@dataclass(frozen=True)
class Demand:
    specialty: str   # dictionary code of the specialty (专业)
    count: int


@dataclass(frozen=True)
class ExpertInfo:
    expert_id: int
    name: str
    specialty_names: tuple[str, ...]
    title: str          # 职称
    employer: str       # 工作单位
    phone_masked: str
    status: str         # confirmed / declined / pending ...


@dataclass
class ActivityInfo:
    activity_id: int
    number: str
    title: str
    state: str
    url: str
    confirmed: list[ExpertInfo] = field(default_factory=list)
    commitment: str = ""


def activity_create_for_review(*, user, source_key: str, title: str, items: list[ReviewItem], date: dt.date,
                               half_day: str, place: str, demands: list[Demand], rules: dict | None = None,
                               region_id: int | None = None) -> ActivityInfo:
    """Create (or return the existing one for the same ``source_key``, idempotent) an extraction activity.
    ``half_day`` is "am" or "pm". ``region_id``: the district on whose behalf the draw happens (None = city);
    a district may use the city library only while authorised, else ExpertPoolError."""
    raise NotImplementedError


def activity_draw(*, user, activity_id: int) -> ActivityInfo:
    """Fix the pool, publish the commitment, draw by the rules and start confirmation (calls/SMS)."""
    raise NotImplementedError


def activity_get(*, user, activity_id: int) -> ActivityInfo:
    """State of the activity with the confirmed experts (hidden fields per the caller's rights)."""
    raise NotImplementedError


def activity_confirmed(*, user, activity_id: int) -> list[ExpertInfo]:
    raise NotImplementedError


def activity_record_result(*, user, activity_id: int, passed: bool, opinion: str, minutes=None) -> ActivityInfo:
    """Record the offline review result (and minutes file, an UploadedFile or None); closes the meeting so the drawn
    list becomes visible to those allowed to see it after the meeting."""
    raise NotImplementedError


def district_authorised(*, region_id: int, at: dt.datetime | None = None) -> bool:
    """Whether the district (Region id) may draw from the city expert library at ``at`` (default now)."""
    raise NotImplementedError
