"""Single sign-on end to end against a real OIDC provider (django-oauth-toolkit, tests/oidc_provider) running
in the live server: the browser is a requests.Session following real redirects."""

import re

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.test import override_settings

from egov_base.audit.models import AuditEntry
from egov_base.auth.models import OIDCIdentity

CLIENT_ID = "egov-ops-test"
CLIENT_SECRET = "s3cret-for-the-test-only-0123456789"


@pytest.fixture
def rsa_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def oidc(live_server, rsa_pem, transactional_db):
    from oauth2_provider.models import Application

    base = live_server.url
    op = f"{base}/test-oidc"
    Application.objects.create(
        name="egov-ops", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, client_type="confidential",
        authorization_grant_type="authorization-code", redirect_uris=f"{base}/oidc/callback/",
        algorithm="RS256", skip_authorization=True,
    )
    provider = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": rsa_pem,
        "PKCE_REQUIRED": True,
        "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validators.EgovClaimsValidator",
        "SCOPES": {"openid": "OpenID", "profile": "Profile", "email": "Email", "phone": "Phone"},
    }
    with override_settings(
        OAUTH2_PROVIDER=provider,
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_RP_SIGN_ALGO="RS256",
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{op}/authorize/",
        OIDC_OP_TOKEN_ENDPOINT=f"{op}/token/",
        OIDC_OP_USER_ENDPOINT=f"{op}/userinfo/",
        OIDC_OP_JWKS_ENDPOINT=f"{op}/.well-known/jwks.json",
        OIDC_OP_ISSUER=op,
        OIDC_USE_PKCE=True,
        LOGIN_REDIRECT_URL="/api/v1/me/",
    ):
        yield base


def sso_login(base, username, password="Egov@2026pass"):
    s = requests.Session()
    r = s.get(f"{base}/oidc/authenticate/", timeout=20)  # RP -> provider authorize -> provider login page
    assert r.status_code == 200 and "统一身份认证平台" in r.text, r.text[:300]
    csrf = re.search(r"name='csrfmiddlewaretoken' value='([^']+)'", r.text).group(1)
    nxt = re.search(r"name='next' value='([^']+)'", r.text).group(1).replace("&amp;", "&")
    r = s.post(r.url, data={"csrfmiddlewaretoken": csrf, "next": nxt, "username": username, "password": password},
               headers={"Referer": r.url}, timeout=30)
    return s, r


def set_claims(user, **claims):
    cache.set(f"test-oidc-claims:{user.pk}", claims, 300)


@pytest.mark.django_db(transaction=True)
def test_sso_login_maps_to_existing_user_by_username(oidc, make_user):
    local = make_user("wangfang", "dept_user", "jinjiang", name="王芳")
    idp = make_user("idp_wangfang", None, "centre", name="王芳")
    set_claims(idp, preferred_username="wangfang", name="王芳", phone_number="")
    s, r = sso_login(oidc, "idp_wangfang")
    assert r.status_code == 200, r.text[:500]
    assert r.url.endswith("/api/v1/me/")
    me = r.json()
    assert me["username"] == "wangfang"
    identity = OIDCIdentity.objects.get(user=local)
    assert identity.subject == str(idp.pk)
    login = AuditEntry.objects.filter(action="login", actor=local).last()
    assert login is not None and login.data["method"] == "oidc"

    # second login: matched by the stored subject even when the username claim changed
    set_claims(idp, preferred_username="someone-else", name="王芳")
    s2, r2 = sso_login(oidc, "idp_wangfang")
    assert r2.json()["username"] == "wangfang"


@pytest.mark.django_db(transaction=True)
def test_sso_login_maps_by_phone(oidc, make_user):
    local = make_user("lijun", "dept_user", "jinjiang", name="李军", phone="+8613980011111")
    idp = make_user("idp_lijun", None, "centre")
    set_claims(idp, preferred_username="li.jun", name="李军", phone_number="13980011111")
    s, r = sso_login(oidc, "idp_lijun")
    assert r.json()["username"] == "lijun"
    assert OIDCIdentity.objects.filter(user=local).exists()


@pytest.mark.django_db(transaction=True)
def test_sso_unknown_user_refused_unless_create_enabled(oidc, make_user):
    from django.contrib.auth import get_user_model

    idp = make_user("idp_nobody", None, "centre")
    set_claims(idp, preferred_username="zhaoliu", name="赵六", email="zhaoliu@example.gov.cn")
    s, r = sso_login(oidc, "idp_nobody")
    assert not r.url.endswith("/api/v1/me/")
    assert not get_user_model().objects.filter(username="zhaoliu").exists()

    with override_settings(OIDC_CREATE_USER=True):
        s, r = sso_login(oidc, "idp_nobody")
        assert r.url.endswith("/api/v1/me/"), r.url
        assert r.json()["username"] == "zhaoliu"
    created = get_user_model().objects.get(username="zhaoliu")
    assert created.name == "赵六" and not created.has_usable_password()
