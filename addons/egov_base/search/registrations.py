"""Search registrations of egov_base's own models (organisations and users)."""

from django.utils.translation import gettext_lazy as _

from ..org.models import Organization, User
from .registry import register_search


def _org_url(obj):
    return obj.get_absolute_url()  # set by the generic registry (object_url: "" when there is no detail view)


register_search(
    Organization,
    title=lambda o: o.name,
    body_fields=["short_name", "code", "duties", "address", "region__name"],
    url=_org_url,
    category=_("组织机构"),
    select_related=("region",),
)
register_search(
    User,
    title=lambda u: f"{u.name}（{u.username}）",
    body=lambda u: " ".join(filter(None, [u.position, str(u.organization or ""), u.email or ""])),
    url=_org_url,
    category=_("用户"),
    condition=lambda u: u.is_active,
    select_related=("organization",),
)


def _warm_up():
    """Load the jieba dictionary in the background at start-up, so the first search request does not pay
    for it (the segmenter's lock makes an early request wait instead of loading twice)."""
    import threading

    from .segment import initialize

    threading.Thread(target=initialize, name="jieba-init", daemon=True).start()


_warm_up()
