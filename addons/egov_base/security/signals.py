"""Password history and password-change time, kept whenever a user's password hash changes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="egov_security_password_pre_save")
def _password_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._egov_password_changed = False
    if raw or (update_fields is not None and "password" not in update_fields):
        return
    if instance.pk is None or instance._state.adding:
        instance._egov_password_changed = bool(instance.password) and instance.has_usable_password()
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._egov_password_changed = old != instance.password and instance.has_usable_password()


@receiver(post_save, sender=User, dispatch_uid="egov_security_password_post_save")
def _password_post_save(sender, instance, raw=False, **kwargs):
    if raw or not getattr(instance, "_egov_password_changed", False):
        return
    instance._egov_password_changed = False
    from .models import PasswordHistory

    now = timezone.now()
    sender._base_manager.filter(pk=instance.pk).update(password_changed_at=now)
    instance.password_changed_at = now
    PasswordHistory.objects.create(user=instance, password=instance.password)
    keep = max(getattr(settings, "PASSWORD_HISTORY_COUNT", 5), 1)
    stale = list(PasswordHistory.objects.filter(user=instance).order_by("-created_at", "-id").values_list("pk", flat=True)[keep:])
    if stale:
        PasswordHistory.objects.filter(pk__in=stale).delete()
