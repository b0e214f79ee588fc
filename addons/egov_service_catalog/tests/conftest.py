"""Fixtures of the service catalog core tests: the default chain, a small published catalog with a form, and the
real roles of the flow (applicant and leader of 锦江区行政审批局, the centre's service desk, the provider's ops
engineer, a user of 青羊区 for scope crossing)."""

import pytest

APPLY_SCHEMA = {
    "type": "default", "components": [
        {"type": "textfield", "key": "system_name", "label": "承载业务系统名称",
         "validate": {"required": True, "maxLength": 60}},
        {"type": "textfield", "key": "contact_mobile", "label": "联系人手机",
         "validate": {"required": True, "validationType": "phone"}},
        {"type": "number", "key": "bandwidth", "label": "带宽（Mbps）", "validate": {"min": 1, "max": 1000}},
        {"type": "select", "key": "os", "label": "操作系统", "validate": {"required": True},
         "values": [{"label": "麒麟 V10", "value": "kylin"}, {"label": "统信 UOS", "value": "uos"}]},
        {"type": "textfield", "key": "ip_segment", "label": "申请网段",
         "validate": {"pattern": r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$"}},
    ],
}
GOOD_DATA = {"system_name": "一网通办受理系统", "contact_mobile": "13980012345", "bandwidth": 100, "os": "kylin"}


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """make_user hashes a password per user; PBKDF2 at production cost would dominate these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sc_setup(db):
    from egov_service_catalog.services.setup import ensure_default_chain, ensure_generic_forms

    ensure_default_chain()
    ensure_generic_forms()


@pytest.fixture
def actors(make_user, orgs):
    return {
        "applicant": make_user("sc_applicant", "dept_user", "jinjiang", position="信息科科员"),
        "leader": make_user("sc_leader", "dept_user", "jinjiang", position="局长"),
        "desk": make_user("sc_desk", "service_desk", "centre", position="服务台坐席"),
        "ops": make_user("sc_ops", "ops_engineer", "centre", position="云运维工程师"),
        "other": make_user("sc_qy_user", "dept_user", "qingyang", position="科员"),
        "head": make_user("sc_head", "dept_head", "centre", position="部长"),
    }


@pytest.fixture
def catalog(sc_setup, orgs):
    from egov_service_catalog.models import ServiceCategory, ServiceForm, ServiceItem, ServiceSpec

    top = ServiceCategory.objects.create(code="T-CLOUD", name="政务云服务", icon="ti ti-cloud")
    mid = ServiceCategory.objects.create(code="T-CLOUD-COMPUTE", name="计算服务", parent=top)
    item = ServiceItem.objects.create(
        code="T-ECS", name="政务云主机", category=mid, service_type="cloud", summary="弹性云主机",
        provider=orgs["centre"], billing_mode="fixed", unit="台", sla_hours=72,
        fulfilment_steps=[{"name": "资源分配", "sla_hours": 8}, {"name": "安全基线加固", "sla_hours": 8}],
    )
    ServiceItem.objects.filter(pk=item.pk).update(status="published")
    item.refresh_from_db()
    spec = ServiceSpec.objects.create(item=item, code="S4", name="通用型 4核8G", params={"vCPU": 4, "内存": "8 GB"},
                                      quota=5, unit_price="420.00", price_unit="元/月")
    form = ServiceForm.objects.create(item=item, kind="apply", version=1, schema=APPLY_SCHEMA, is_active=True)
    return {"top": top, "mid": mid, "item": item, "spec": spec, "form": form}
