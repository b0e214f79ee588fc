import pytest

pytestmark = pytest.mark.django_db


def test_demo_loads_idempotent(users):
    from egov_base.integration import demo as integration_demo
    from egov_base.integration.models import ExternalSystem, IntegrationCall
    from egov_base.notify import demo as notify_demo
    from egov_base.notify.models import Message

    for _ in range(2):
        integration_demo.load()
        notify_demo.load()
    assert ExternalSystem.objects.filter(code="sms").exists()
    assert IntegrationCall.objects.count() > 100
    assert Message.objects.filter(recipient=users["dept_user"]).count() == 2
    assert Message.objects.filter(title="2026 年 10 月云网运营月报已生成").count() == 1
