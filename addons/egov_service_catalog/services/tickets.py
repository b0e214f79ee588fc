"""提交工单 from the portal behind a replaceable handler.

``ticket_submit(*, user, item=None, problem_type, title, description, attachments=None, idempotency_key)`` is the
contract the portal calls. The default handler stores a simple service-desk ``Ticket`` in this app. The future
helpdesk app takes over by calling ``set_ticket_handler(my_handler)`` from its AppConfig.ready (or by setting
``SC_TICKET_HANDLER = "egov_helpdesk.services.tickets_from_catalog"``); the handler receives the same keyword
arguments and returns an object with ``number`` and ``get_absolute_url()``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from egov_base.numbers import next_number

from ..models import ProblemType, Ticket

NEW_EVENT = "service_catalog.ticket_new"
_handler: Callable | None = None


def set_ticket_handler(handler: Callable | None) -> None:
    """Replace the ticket handler (None restores the built-in one)."""
    global _handler
    _handler = handler


def get_ticket_handler() -> Callable:
    if _handler is not None:
        return _handler
    dotted = getattr(settings, "SC_TICKET_HANDLER", "")
    return import_string(dotted) if dotted else default_ticket_handler


def ticket_submit(*, user, item=None, problem_type=None, title: str, description: str, attachments=None,
                  idempotency_key: str, contact_phone: str = ""):
    """Validate and hand the ticket to the current handler. A repeated key returns the first ticket."""
    if not user.is_authenticated or not user.organization_id:
        raise PermissionDenied
    errors = {}
    if not (title or "").strip():
        errors["title"] = gettext("请填写工单标题。")
    elif len(title) > 200:
        errors["title"] = gettext("标题不能超过 200 个字。")
    if not (description or "").strip():
        errors["description"] = gettext("请描述遇到的问题。")
    if not idempotency_key:
        errors["__all__"] = gettext("请求缺少幂等键，请刷新页面后重试。")
    if problem_type is not None and item is not None and problem_type.item_id not in (None, item.pk):
        errors["problem_type"] = gettext("所选问题类型不属于该服务。")
    if errors:
        raise ValidationError(errors)
    return get_ticket_handler()(user=user, item=item, problem_type=problem_type, title=title.strip(),
                                description=description.strip(), attachments=attachments or [],
                                idempotency_key=idempotency_key, contact_phone=contact_phone)


def default_ticket_handler(*, user, item, problem_type, title, description, attachments, idempotency_key,
                           contact_phone=""):
    from egov_base.files.services import attach
    from egov_base.notify.services import notify

    existing = Ticket.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.submitter_id != user.pk:
            raise PermissionDenied
        return existing
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=next_number("GD"), organization=user.organization, submitter=user, item=item,
                problem_type=problem_type, title=title, description=description,
                contact_phone=contact_phone or getattr(user, "phone", "") or "", idempotency_key=idempotency_key,
            )
            for f in attachments:
                attach(obj=ticket, file=f, user=user, purpose="")
            _notify_desk(notify, ticket)
    except IntegrityError:
        # a concurrent double submit won the unique key
        return Ticket.objects.get(idempotency_key=idempotency_key)
    return ticket


def _notify_desk(notify, ticket):
    from egov_base.org.models import User

    desk = list(User.objects.filter(is_active=True, groups__role__code="service_desk").distinct())
    if desk:
        notify(desk, NEW_EVENT, {"ticket": {"number": ticket.number, "title": ticket.title,
                                            "org": str(ticket.organization)}},
               obj=ticket, key=f"sc-ticket:{ticket.pk}:new")


def ticket_update(*, user, ticket: Ticket, status: str, resolution: str = "") -> Ticket:
    """The service desk accepts, resolves or closes a ticket; the submitter is told when it is resolved."""
    from egov_base.notify.services import notify

    if not user.has_perm("egov_service_catalog.change_ticket"):
        raise PermissionDenied
    allowed = {
        Ticket.Status.OPEN: {Ticket.Status.PROCESSING, Ticket.Status.RESOLVED, Ticket.Status.CLOSED},
        Ticket.Status.PROCESSING: {Ticket.Status.RESOLVED, Ticket.Status.CLOSED},
        Ticket.Status.RESOLVED: {Ticket.Status.CLOSED, Ticket.Status.PROCESSING},
        Ticket.Status.CLOSED: set(),
    }
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if status not in allowed[ticket.status]:
            raise ValidationError(gettext("工单当前状态不能执行该操作。"))
        if status == Ticket.Status.RESOLVED and not resolution.strip():
            raise ValidationError({"resolution": gettext("请填写处理结果。")})
        ticket.status = status
        ticket.handled_by = user
        if resolution:
            ticket.resolution = resolution.strip()
        if status == Ticket.Status.RESOLVED:
            ticket.resolved_at = timezone.now()
        ticket.save()
        if status == Ticket.Status.RESOLVED:
            notify([ticket.submitter], "notify.message",
                   {"title": gettext("工单已解决：%(n)s") % {"n": ticket.number}, "body": ticket.resolution},
                   obj=ticket, key=f"sc-ticket:{ticket.pk}:resolved:{ticket.resolved_at:%s}")
    return ticket


def problem_types_for(item) -> list[ProblemType]:
    from django.db.models import Q

    qs = ProblemType.objects.filter(is_active=True)
    qs = qs.filter(Q(item=item) | Q(item__isnull=True)) if item is not None else qs.filter(item__isnull=True)
    return list(qs.order_by("-item_id", "sort", "id"))
