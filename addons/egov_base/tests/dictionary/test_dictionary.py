import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from egov_base.dictionary import selectors, services
from egov_base.dictionary.data import ensure_system_dicts
from egov_base.dictionary.fields import DictChoiceField
from egov_base.dictionary.models import DictItem, DictType

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("egov_base.tests.ui.urls_for_tests")]


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    from django.core.cache import cache

    settings.AXES_ENABLED = False
    cache.delete_pattern("*")  # only this run's prefixed keys; clear() would flush every worker's sessions
    yield
    cache.delete_pattern("*")  # only this run's prefixed keys; clear() would flush every worker's sessions


def test_seed_is_idempotent():
    ensure_system_dicts()
    count = DictItem.objects.count()
    ensure_system_dicts()
    assert DictItem.objects.count() == count
    assert DictType.objects.get(code="urgency").is_system
    assert selectors.dict_choices("urgency")[:2] == [("1", "特急"), ("2", "紧急")]
    assert ("ecs", "云服务器") in selectors.dict_choices("service_type", parent="cloud")


def test_choices_are_cached_and_invalidated_on_change():
    ensure_system_dicts()
    selectors.dict_choices("urgency")
    with CaptureQueriesContext(connection) as ctx:
        selectors.dict_choices("urgency")
    assert len(ctx.captured_queries) == 0  # served from Redis
    dict_type = DictType.objects.get(code="urgency")
    services.dict_item_create(dict_type=dict_type, data={"code": "5", "label": "可延后", "label_en": "Deferrable", "sort": 99})
    assert ("5", "可延后") in selectors.dict_choices("urgency")
    item = DictItem.objects.get(type=dict_type, code="5")
    services.dict_item_update(item=item, data={"active": False})
    assert ("5", "可延后") not in selectors.dict_choices("urgency")
    assert selectors.dict_label("urgency", "5") == "可延后"  # old records still display
    item.label = "暂缓"  # a save outside the services (generic views) also invalidates
    item.save()
    assert selectors.dict_label("urgency", "5") == "暂缓"


def test_english_labels():
    ensure_system_dicts()
    with translation.override("en"):
        assert ("1", "Critical") in selectors.dict_choices("urgency")
    with translation.override("zh-hans"):
        assert ("1", "特急") in selectors.dict_choices("urgency")


def test_crud_validation():
    t = services.dict_type_create(data={"code": "room_zone", "name": "机房区域", "value_type": "string"})
    services.dict_item_create(dict_type=t, data={"code": "A", "label": "A区"})
    with pytest.raises(ValidationError):
        services.dict_item_create(dict_type=t, data={"code": "A", "label": "重复"})
    with pytest.raises(ValidationError):
        services.dict_type_create(data={"code": "room_zone", "name": "重复"})
    n = services.dict_type_create(data={"code": "rack_units", "name": "机柜U数", "value_type": "int"})
    with pytest.raises(ValidationError):
        services.dict_item_create(dict_type=n, data={"code": "四十二", "label": "42U"})
    item = services.dict_item_create(dict_type=n, data={"code": "42", "label": "42U"})
    assert item.value == 42
    other = services.dict_item_create(dict_type=t, data={"code": "B", "label": "B区"})
    with pytest.raises(ValidationError):
        services.dict_item_update(item=other, data={"parent": item})  # other type
    services.dict_item_delete(item=other)
    assert not DictItem.objects.filter(pk=other.pk).exists()
    ensure_system_dicts()
    sys_item = DictItem.objects.get(type__code="urgency", code="1")
    with pytest.raises(ValidationError):
        services.dict_item_delete(item=sys_item)
    with pytest.raises(ValidationError):
        services.dict_type_delete(dict_type=sys_item.type)


def test_dict_choice_field():
    ensure_system_dicts()
    field = DictChoiceField("urgency", label="紧急程度")
    assert field.clean("2") == "2"
    with pytest.raises(ValidationError):
        field.clean("9")
    t = DictType.objects.get(code="urgency")
    services.dict_item_create(dict_type=t, data={"code": "9", "label": "测试"})
    assert field.clean("9") == "9"  # new items usable without restart

    from django import forms

    class F(forms.Form):
        urgency = DictChoiceField("urgency")

    assert "特急" in str(F()["urgency"])


def test_management_views(client, users):
    ensure_system_dicts()
    t = DictType.objects.get(code="urgency")
    client.force_login(users["dept_user"])
    assert client.get("/dictionary/").status_code == 403
    client.force_login(users["city_admin"])
    html = client.get("/dictionary/").content.decode()
    assert "业务字典" in html and "紧急程度" in html
    assert "特急" in client.get(f"/dictionary/{t.pk}/").content.decode()
    resp = client.post(f"/dictionary/{t.pk}/items/new/", {"code": "x", "label": "错误", "sort": 1, "active": "on"})
    assert resp.status_code == 200 and "不是有效的" in resp.content.decode()
    resp = client.post(f"/dictionary/{t.pk}/items/new/", {"code": "6", "label": "观察", "sort": 60, "active": "on"})
    assert resp.status_code == 302
    assert ("6", "观察") in selectors.dict_choices("urgency")
    resp = client.post(f"/dictionary/{t.pk}/items/new/", {"code": "6", "label": "重复", "sort": 60, "active": "on"})
    assert resp.status_code == 200 and DictItem.objects.filter(type=t, code="6").count() == 1
    item = DictItem.objects.get(type=t, code="6")
    resp = client.post(f"/dictionary/items/{item.pk}/edit/", {"code": "6", "label": "观察期", "sort": 60, "active": "on",
                                                              "extra": '{"sla_hours": 72}'})
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.label == "观察期" and item.extra == {"sla_hours": 72}
    resp = client.post(f"/dictionary/items/{item.pk}/edit/", {"code": "6", "label": "观察期", "sort": 60, "extra": "[1]"})
    assert resp.status_code == 200 and "JSON 对象" in resp.content.decode()
