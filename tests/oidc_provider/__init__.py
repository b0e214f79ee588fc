"""A tiny but real OpenID Connect provider (django-oauth-toolkit) for the single-sign-on tests. Mounted at
/test-oidc/ only when settings.TESTING (see egov/urls.py); configured per test through override_settings."""
