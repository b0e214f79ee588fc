from oauth2_provider.oauth2_validators import OAuth2Validator


class EgovClaimsValidator(OAuth2Validator):
    """Issues the claims the unified identity platform sends: sub, preferred_username, name, phone_number,
    email. The provider's user carries them in its own fields; the test decides the values."""

    def get_additional_claims(self, request):
        user = request.user
        claims = getattr(user, "_oidc_claims", None)
        if claims is None:
            from django.core.cache import cache

            claims = cache.get(f"test-oidc-claims:{user.pk}") or {}
        return {
            "preferred_username": claims.get("preferred_username", user.username),
            "name": claims.get("name", user.name),
            "email": claims.get("email", user.email),
            "phone_number": claims.get("phone_number", ""),
        }
