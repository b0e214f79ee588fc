"""Classes and attributes as data: inheritance, no migration, value types and validation, uniqueness."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from egov_cmdb.models import CI, AttributeDef, AttributeUniqueValue, CIClass
from egov_cmdb.services import attribute_save, ci_create, ci_update, class_save
from egov_cmdb.services.values import clean_value


def test_shipped_classes_and_inheritance(cmdb_ref):
    classes = cmdb_ref["classes"]
    for code in ("machine_room", "rack", "rack_unit", "server", "network_device", "security_device", "storage",
                 "san_switch", "nas", "power_link", "cluster", "hypervisor", "vm", "middleware", "database",
                 "web_service", "nic", "subnet", "vlan", "logical_volume", "business_system"):
        assert code in classes, code
    server = classes["server"]
    codes = [a.code for a in server.all_attributes()]
    # parent (设备) attributes first, then own ones
    assert codes.index("serial_no") < codes.index("cpu")
    assert {"asset_no", "warranty_until", "vendor", "mac", "os"} <= set(codes)
    vm_codes = {a.code for a in classes["vm"].all_attributes()}
    assert {"intranet_ip", "egov_ip", "internet_ip", "port_mapping", "os", "config", "software", "firewall",
            "cloud", "cpu_cores"} <= vm_codes
    assert set(classes["device"].descendant_ids()) >= {classes["server"].pk, classes["nas"].pk}
    assert classes["device"].is_abstract and classes["compute"].is_abstract
    rel = cmdb_ref["rel"]
    assert rel["runs_on"].is_dependency and rel["depends_on"].is_dependency and not rel["connects"].is_dependency


def test_sync_is_idempotent(cmdb_ref):
    from egov_cmdb.services.reference import sync_reference_data

    assert sync_reference_data() == {"classes": 0, "attributes": 0, "relation_types": 0, "priorities": 0}


def test_new_class_with_inherited_attribute_without_migration(cmdb_ref, users, orgs):
    admin = users["sysadmin"]
    base = class_save(user=admin, data={"code": "iot_device", "name": "物联网设备", "is_abstract": True})
    attribute_save(user=admin, ci_class=base, data={"code": "firmware_ver", "name": "固件版本", "group": "property",
                                                    "type": "text", "required": True})
    cam = class_save(user=admin, data={"code": "camera", "name": "视频监控摄像头", "parent": base})
    attribute_save(user=admin, ci_class=cam, data={"code": "stream_url", "name": "视频流地址", "type": "text",
                                                   "pattern": r"^rtsp://", "indexed": True})
    assert [a.code for a in cam.all_attributes()] == ["firmware_ver", "stream_url"]
    with pytest.raises(ValidationError) as e:
        ci_create(user=admin, ci_class=cam, data={"name": "天府广场 1 号", "organization": orgs["centre"].pk})
    assert "固件版本" in str(e.value)
    with pytest.raises(ValidationError) as e:
        ci_create(user=admin, ci_class=cam, data={"name": "天府广场 1 号", "organization": orgs["centre"].pk,
                                                  "attrs": {"firmware_ver": "V1.2", "stream_url": "http://x"}})
    assert "视频流地址" in str(e.value)
    ci = ci_create(user=admin, ci_class=cam, data={"name": "天府广场 1 号", "organization": orgs["centre"].pk,
                                                   "attrs": {"firmware_ver": "V1.2", "stream_url": "rtsp://10.1.1.9/1"}})
    assert ci.code.startswith("CAMERA-") and ci.attrs == {"firmware_ver": "V1.2", "stream_url": "rtsp://10.1.1.9/1"}
    with pytest.raises(ValidationError):
        ci_create(user=admin, ci_class=base, data={"name": "x", "organization": orgs["centre"].pk})  # abstract
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'cmdb_ci_attr_stream_url'")
        assert cur.fetchone()


def test_attribute_code_rules(cmdb_ref, users):
    admin = users["sysadmin"]
    server = cmdb_ref["classes"]["server"]
    with pytest.raises(ValidationError) as e:
        attribute_save(user=admin, ci_class=server, data={"code": "serial_no", "name": "重复", "type": "text"})
    assert "设备" in str(e.value)  # defined on the parent
    with pytest.raises(ValidationError):
        attribute_save(user=admin, ci_class=server, data={"code": "name", "name": "保留字", "type": "text"})
    with pytest.raises(ValidationError):
        attribute_save(user=admin, ci_class=server, data={"code": "Bad-Code", "name": "x", "type": "text"})
    with pytest.raises(ValidationError):
        attribute_save(user=admin, ci_class=server, data={"code": "x_enum", "name": "x", "type": "enum",
                                                          "dict_type": "no_such_dict"})
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        attribute_save(user=users["dept_user"], ci_class=server, data={"code": "x1", "name": "x", "type": "text"})


@pytest.mark.parametrize("atype,raw,expected", [
    ("ipv4", " 10.1.2.3 ", "10.1.2.3"),
    ("ipv6", "2001:DB8::1", "2001:db8::1"),
    ("ip", "192.168.0.1", "192.168.0.1"),
    ("cidr", "10.1.0.0/16", "10.1.0.0/16"),
    ("mac", "001a.2b3c.4d5e", "00:1A:2B:3C:4D:5E"),
    ("integer", "1,024", 1024),
    ("decimal", "12.50", 12.5),
    ("date", "2026年1月31日", "2026-01-31"),
    ("date", "2026/1/31", "2026-01-31"),
    ("bool", "是", True),
    ("json", '{"a": 1}', {"a": 1}),
])
def test_value_types(atype, raw, expected):
    assert clean_value(AttributeDef(code="x", name="字段", type=atype), raw) == expected


@pytest.mark.parametrize("atype,raw,word", [
    ("ipv4", "10.1.2.300", "IPv4"), ("cidr", "10.1.0.1/16", "网段"), ("mac", "xx:yy", "MAC"),
    ("integer", "十", "整数"), ("date", "2026-13-01", "日期"), ("bool", "也许", "是"),
])
def test_value_type_errors_are_chinese(atype, raw, word):
    with pytest.raises(ValidationError) as e:
        clean_value(AttributeDef(code="x", name="字段", type=atype), raw)
    assert "字段" in e.value.messages[0] and word in e.value.messages[0]


def test_multi_and_enum(cmdb_ref):
    software = AttributeDef.objects.get(ci_class=cmdb_ref["classes"]["vm"], code="software")
    assert clean_value(software, "Nginx，Tomcat、Redis, Nginx") == ["Nginx", "Tomcat", "Redis"]
    role = AttributeDef.objects.get(code="net_role")
    assert clean_value(role, "核心") == "core"
    assert clean_value(role, "access") == "access"
    with pytest.raises(ValidationError):
        clean_value(role, "不存在的角色")


def test_unique_attribute_enforced(make_ci, cmdb_ref):
    a = make_ci("server", serial_no="2102311QGK10J5000123")
    with pytest.raises(ValidationError) as e:
        make_ci("network_device", serial_no="2102311qgk10j5000123")  # same family (设备), case-insensitive
    assert a.name in str(e.value)
    b = make_ci("server", serial_no="SN-B")
    ci_update(user=None, ci=b, data={"serial_no": "SN-B2"})
    assert AttributeUniqueValue.objects.filter(ci=b).values_list("value", flat=True).get() == "sn-b2"
    # the old value is free again
    make_ci("server", serial_no="SN-B")


def test_setting_unique_checks_existing_values(make_ci, cmdb_ref, users):
    make_ci("server", model="RH2288H V5")
    make_ci("server", model="RH2288H V5")
    attr = AttributeDef.objects.get(ci_class=cmdb_ref["classes"]["device"], code="model")
    with pytest.raises(ValidationError):
        attribute_save(user=users["sysadmin"], ci_class=attr.ci_class, instance=attr, data={"unique": True})


def test_class_cannot_be_its_own_ancestor(cmdb_ref, users):
    device = cmdb_ref["classes"]["device"]
    with pytest.raises(ValidationError):
        class_save(user=users["sysadmin"], instance=device, data={"parent": cmdb_ref["classes"]["server"]})
    assert CIClass.objects.get(pk=device.pk).parent_id is None


def test_unknown_attribute_refused(cmdb_ref, orgs):
    with pytest.raises(ValidationError) as e:
        ci_create(user=None, ci_class=cmdb_ref["classes"]["server"],
                  data={"name": "x", "organization": orgs["centre"].pk, "attrs": {"nope": 1}})
    assert "nope" in str(e.value)
    assert not CI.objects.filter(name="x").exists()
