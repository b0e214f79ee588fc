"""Reads of the content area."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..scope import DataScope, scope_queryset, user_scope
from .models import Article


def audience_q(user) -> Q | None:
    """Which published articles ``user`` belongs to the audience of (None = all of them)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(audience=Article.Audience.ALL)
    if user_scope(user) == DataScope.ALL:
        return None
    org = user.organization if user.organization_id else None
    q = Q(audience=Article.Audience.ALL)
    if org is not None and org.district_id is None:
        q |= Q(audience=Article.Audience.CITY)
    if org is not None and org.district_id:
        q |= Q(audience=Article.Audience.DISTRICTS, districts=org.district_id)
    return q


def article_public_list(*, user, category: str | None = None, q: str | None = None) -> QuerySet:
    """Published, started, not expired articles whose audience includes ``user`` (portal and mobile)."""
    now = timezone.now()
    qs = Article.objects.filter(status=Article.Status.PUBLISHED).filter(
        Q(publish_at__isnull=True) | Q(publish_at__lte=now)
    ).filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    aq = audience_q(user)
    if aq is not None:
        qs = qs.filter(aq)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return qs.select_related("organization", "column").distinct().order_by("-pinned", "-publish_at", "-id")


def article_public_get(*, user, pk: int) -> Article:
    """Raises Article.DoesNotExist when not visible to ``user``."""
    return article_public_list(user=user).get(pk=pk)


def article_manage_list(*, user, status: str | None = None, category: str | None = None) -> QuerySet:
    qs = scope_queryset(Article.objects.all(), user).select_related("organization", "created_by")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-updated_at")


def article_manage_get(*, user, pk: int) -> Article:
    return article_manage_list(user=user).get(pk=pk)


def article_latest(*, user, limit: int = 6, category: str | None = None) -> list[Article]:
    return list(article_public_list(user=user, category=category)[:limit])
