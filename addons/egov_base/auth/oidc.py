from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class EgovOIDCBackend(OIDCAuthenticationBackend):
    """Placeholder; the auth area maps OIDC claims to real-name users."""
