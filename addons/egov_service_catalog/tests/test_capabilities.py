"""Service capabilities: approved consumers get a credential; the secret is shown once and stored hashed;
call counts come in through capability_record_calls (service and API)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from egov_service_catalog.models import CapabilityCallStat, CapabilityCredential, ServiceItem, Subscription
from egov_service_catalog.services import capabilities as cap

from .test_flow import _apply, _deliver


@pytest.fixture
def capability(catalog):
    item = catalog["item"]
    ServiceItem.objects.filter(pk=item.pk).update(service_type="capability",
                                                  api_info={"基础地址": "https://api.example.gov.cn/v1"})
    item.refresh_from_db()
    return catalog


@pytest.mark.django_db
def test_credential_issued_on_delivery_secret_once(actors, capability):
    req = _deliver(actors, _apply(actors, capability))
    sub = Subscription.objects.get(request=req)
    cred = CapabilityCredential.objects.get(subscription=sub)
    assert cred.client_id.startswith("cap_") and cred.secret_pending and not cred.secret_hash
    with pytest.raises(PermissionDenied):
        cap.credential_reveal_secret(user=actors["other"], credential=cred)
    secret = cap.credential_reveal_secret(user=actors["applicant"], credential=cred)
    cred.refresh_from_db()
    assert secret not in cred.secret_hash and cred.secret_hint == secret[-4:]
    assert cap.credential_check(client_id=cred.client_id, secret=secret) == cred
    assert cap.credential_check(client_id=cred.client_id, secret="wrong") is None
    with pytest.raises(ValidationError):  # shown once
        cap.credential_reveal_secret(user=actors["applicant"], credential=cred)
    new = cap.credential_reveal_secret(user=actors["applicant"], credential=cred, reset=True)
    assert cap.credential_check(client_id=cred.client_id, secret=secret) is None
    assert cap.credential_check(client_id=cred.client_id, secret=new) is not None


@pytest.mark.django_db
def test_record_calls_service_and_api(actors, capability, client):
    req = _deliver(actors, _apply(actors, capability))
    cred = CapabilityCredential.objects.get(subscription__request=req)
    cap.capability_record_calls(client_id=cred.client_id, calls=10, errors=1)
    cap.capability_record_calls(client_id=cred.client_id, calls=5)
    stat = CapabilityCallStat.objects.get(credential=cred)
    assert (stat.calls, stat.errors) == (15, 1)
    with pytest.raises(ValidationError):
        cap.capability_record_calls(client_id=cred.client_id, calls=1, errors=2)
    with pytest.raises(ValidationError):
        cap.capability_record_calls(client_id="nope", calls=1)
    # API: the department user may not feed counts; the head (platform side) may
    client.force_login(actors["applicant"])
    body = json.dumps({"records": [{"client_id": cred.client_id, "calls": 7, "day": "2026-11-20"}]})
    assert client.post("/api/v1/service-catalog/capability-calls/", body,
                       content_type="application/json").status_code == 403
    client.force_login(actors["head"])
    resp = client.post("/api/v1/service-catalog/capability-calls/", body, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["recorded"][0]["calls"] == 7
    bad = json.dumps({"client_id": cred.client_id, "calls": -1})
    assert client.post("/api/v1/service-catalog/capability-calls/", bad,
                       content_type="application/json").status_code == 400
    # the consumer sees the counts on its resource page
    client.force_login(actors["applicant"])
    sub = Subscription.objects.get(request=req)
    html = client.get(f"/service-catalog/portal/resources/{sub.pk}/").content.decode()
    assert cred.client_id in html and "获取调用密钥" in html
    resp = client.post(f"/service-catalog/portal/resources/{sub.pk}/secret/")
    assert resp.status_code == 200 and "仅显示这一次" in resp.content.decode()
    assert resp["Cache-Control"] == "no-store"
