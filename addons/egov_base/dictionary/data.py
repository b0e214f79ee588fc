"""System dictionaries seeded by the demo command and available to every app."""

from __future__ import annotations

SYSTEM_DICTS = [
    ("service_type", "服务类型", "string", [
        ("cloud", "政务云资源", "Government cloud"),
        ("network", "电子政务外网", "E-government extranet"),
        ("machine_room", "机房托管", "Machine-room hosting"),
        ("dr", "灾备服务", "Disaster recovery"),
        ("platform", "共享平台", "Shared platforms"),
        ("security", "安全服务", "Security services"),
        ("ecs", "云服务器", "Cloud server", "cloud"),
        ("oss", "对象存储", "Object storage", "cloud"),
        ("rds", "云数据库", "Cloud database", "cloud"),
    ]),
    ("urgency", "紧急程度", "int", [
        ("1", "特急", "Critical"),
        ("2", "紧急", "Urgent"),
        ("3", "一般", "Normal"),
        ("4", "低", "Low"),
    ]),
    ("id_type", "证件类型", "string", [
        ("resident_id", "居民身份证", "Resident ID card"),
        ("passport", "护照", "Passport"),
        ("hk_macau_pass", "港澳居民来往内地通行证", "Mainland travel permit (HK/Macao)"),
        ("taiwan_pass", "台湾居民来往大陆通行证", "Mainland travel permit (Taiwan)"),
        ("officer_id", "军官证", "Military officer ID"),
    ]),
    ("security_level", "等保级别", "int", [
        ("1", "第一级", "Level 1"),
        ("2", "第二级", "Level 2"),
        ("3", "第三级", "Level 3"),
        ("4", "第四级", "Level 4"),
    ]),
    ("yes_no", "是否", "bool", [
        ("true", "是", "Yes"),
        ("false", "否", "No"),
    ]),
]


def ensure_system_dicts() -> None:
    """Idempotent; adds missing types and items, never overwrites administrators' edits."""
    from .services import dict_ensure

    for code, name, value_type, items in SYSTEM_DICTS:
        dict_ensure(code=code, name=name, value_type=value_type, is_system=True, items=items)
