"""Model permissions for the API: reading needs ``view_<model>`` (DRF's default lets any GET through)."""

from rest_framework.permissions import DjangoModelPermissions


class EgovModelPermissions(DjangoModelPermissions):
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
