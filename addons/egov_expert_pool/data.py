"""Reference data of the expert pool (dictionaries), created idempotently after migrate and by the demo."""

from __future__ import annotations

from .models import SPECIALTY_DICT, TAG_DICT

SPECIALTIES = [
    ("planning", "信息化规划", "IT planning"),
    ("security", "网络安全", "Cybersecurity"),
    ("cloud", "云计算", "Cloud computing"),
    ("bigdata", "大数据", "Big data"),
    ("software", "软件工程", "Software engineering"),
    ("xinchuang", "信创", "Domestic IT innovation"),
    ("govservice", "政务服务", "Government services"),
    ("telecom", "通信工程", "Telecommunications"),
    ("cost", "造价咨询", "Cost consulting"),
    ("ai", "人工智能", "Artificial intelligence"),
    ("iot", "物联网", "Internet of things"),
    ("database", "数据库", "Databases"),
    ("finance", "财务审计", "Finance and audit"),
    ("law", "法律", "Law"),
]

TAGS = [
    ("信创", "信创", "Domestic IT"),
    ("网络安全", "网络安全", "Cybersecurity"),
    ("大数据", "大数据", "Big data"),
    ("政务云", "政务云", "Government cloud"),
    ("等保测评", "等保测评", "Classified protection assessment"),
    ("密码应用", "密码应用", "Cryptography"),
    ("高校", "高校", "University"),
    ("科研院所", "科研院所", "Research institute"),
    ("企业", "企业", "Enterprise"),
    ("退休", "退休", "Retired"),
    ("供应商背景", "供应商背景", "Vendor background"),
    ("资深", "资深", "Senior"),
]


def ensure_dicts() -> None:
    from egov_base.dictionary.services import dict_ensure

    dict_ensure(code=SPECIALTY_DICT, name="专家专业", items=SPECIALTIES,
                description="专家库的专业领域（专家抽取按专业设置人数）")
    dict_ensure(code=TAG_DICT, name="专家标签", items=TAGS,
                description="专家标签：抽取规则可按标签包含或屏蔽")
