"""Celery tasks (thin wrappers around services)."""

from celery import shared_task


@shared_task(name="egov_project_review.render_pdf", ignore_result=True)
def render_pdf(proposal_id: int, version_id: int) -> bool:
    from .services import render_pdf as _render

    return _render(proposal_id=proposal_id, version_id=version_id)


@shared_task(name="egov_project_review.remind_overdue", ignore_result=True)
def remind_overdue() -> int:
    from .services import remind_overdue as _remind

    return _remind()
