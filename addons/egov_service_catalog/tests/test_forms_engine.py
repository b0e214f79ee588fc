"""forms_engine: server-side validation of form-js data, read-only and PDF rendering, schema checks."""

import pytest
from django.core.exceptions import ValidationError

from egov_service_catalog import forms_engine as fe

SCHEMA = {"type": "default", "components": [
    {"type": "text", "text": "# 说明"},
    {"type": "textfield", "key": "name", "label": "系统名称", "validate": {"required": True, "minLength": 2, "maxLength": 10}},
    {"type": "textfield", "key": "mail", "label": "邮箱", "validate": {"validationType": "email"}},
    {"type": "number", "key": "cpu", "label": "vCPU", "validate": {"min": 1, "max": 64}},
    {"type": "select", "key": "os", "label": "操作系统", "values": [{"label": "麒麟", "value": "kylin"}]},
    {"type": "checklist", "key": "zones", "label": "区域",
     "values": [{"label": "外网区", "value": "ext"}, {"label": "互联网区", "value": "inet"}]},
    {"type": "checkbox", "key": "agree", "label": "同意", "validate": {"required": True}},
    {"type": "datetime", "key": "day", "label": "日期", "subtype": "date"},
    {"type": "group", "path": "contact", "components": [
        {"type": "textfield", "key": "phone", "label": "手机", "validate": {"validationType": "phone"}}]},
]}


def test_valid_data_is_cleaned_to_schema_keys():
    cleaned, errors = fe.validate(SCHEMA, {"name": " 一网通办 ", "cpu": "8", "os": "kylin", "zones": ["ext"],
                                           "agree": True, "day": "2026-12-01", "contact": {"phone": "13980012345"},
                                           "evil": "<script>"})
    assert errors == {}
    assert cleaned == {"name": "一网通办", "cpu": 8, "os": "kylin", "zones": ["ext"], "agree": True,
                       "day": "2026-12-01", "contact": {"phone": "13980012345"}}


def test_every_rule_gives_a_chinese_field_error():
    _c, errors = fe.validate(SCHEMA, {"name": "超过十个字的非常长的系统名称", "mail": "x@", "cpu": 100, "os": "win",
                                      "zones": ["moon"], "agree": False, "day": "2026-13-45",
                                      "contact": {"phone": "123"}})
    assert "不能超过 10 个字" in errors["name"][0]
    assert "邮箱" in errors["mail"][0]
    assert "不能大于 64" in errors["cpu"][0]
    assert "不在可选范围" in errors["os"][0]
    assert "不在可选范围" in errors["zones"][0]
    assert errors["agree"] == ["请选择“同意”。"]
    assert "日期" in errors["day"][0]
    assert "手机" in errors["contact.phone"][0]
    _c, errors = fe.validate(SCHEMA, {"name": "a", "cpu": "abc"})
    assert "至少 2 个字" in errors["name"][0] and "必须是数字" in errors["cpu"][0]


def test_readonly_html_escapes_and_shows_labels():
    html = fe.render_readonly(SCHEMA, {"name": "<b>x</b>", "os": "kylin", "zones": ["ext", "inet"], "agree": True,
                                       "day": "2026-12-01"})
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "麒麟" in html and "外网区、互联网区" in html and "2026年12月1日" in html and "是" in html


def test_pdf_renders():
    assert fe.pdf(SCHEMA, {"name": "系统"}, "申请表", extra_rows=[("申请编号", "SR-2026-000001")])[:5] == b"%PDF-"


def test_clean_schema_rejects_bad_definitions():
    with pytest.raises(ValidationError):
        fe.clean_schema("not json")
    with pytest.raises(ValidationError):
        fe.clean_schema({"components": []})
    with pytest.raises(ValidationError) as exc:
        fe.clean_schema({"components": [
            {"type": "textfield", "key": "a", "label": "A"}, {"type": "textfield", "key": "a", "label": "B"},
            {"type": "textfield", "key": "1bad", "label": "C", "validate": {"pattern": "("}},
            {"type": "select", "key": "s", "label": "下拉"}]})
    text = " ".join(exc.value.messages)
    assert "重复" in text and "正则无效" in text and "至少需要一个选项" in text and "1bad" in text
