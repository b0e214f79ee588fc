"""Abstract models every app's models build on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .context import get_current_user
from .scope import ScopeFields


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        user = get_current_user()
        if user is not None:
            if self._state.adding and not self.created_by_id:
                self.created_by = user
            self.updated_by = user
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = set(update_fields) | {"updated_by", "updated_at"}
        super().save(*args, **kwargs)


class OrgOwnedModel(TimeStampedModel):
    """A record that belongs to an organisation; data scope filters it by that organisation, and its
    creator always sees it."""

    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )

    scope_fields = ScopeFields(org="organization", owner="created_by")

    class Meta:
        abstract = True
