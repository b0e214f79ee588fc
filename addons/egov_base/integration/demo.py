"""Demo data: the external systems the Chengdu big-data centre connects to, and a day of call history."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

SYSTEMS = [
    ("sms", "成都市政务短信平台", "https://sms.cdzw.example/api/v2/send", 3, 10, "政务短信下发（签名：成都市大数据中心）"),
    ("dingtalk", "成都市政务钉钉（蓉政通）", "https://oapi.dingtalk.example", 3, 10, "工作通知与群机器人"),
    ("dingtalk_robot", "运维值班群机器人", "https://oapi.dingtalk.example/robot/send", 3, 5, "值班群告警推送"),
    ("cloud_mgmt", "政务云管理平台", "https://cmp.cdcloud.example/api", 3, 20, "云主机、存储、网络资源开通与计量"),
    ("zabbix", "Zabbix 监控系统", "https://zabbix.cddc.example/api_jsonrpc.php", 2, 15, "机房与网络设备监控"),
    ("idp", "统一身份认证平台", "https://sso.chengdu.example/oidc", 2, 5, "单点登录与用户同步"),
]


def load() -> None:
    from .models import ExternalSystem, IntegrationCall

    for code, name, url, ct, rt, desc in SYSTEMS:
        ExternalSystem.objects.get_or_create(code=code, defaults={
            "name": name, "base_url": url, "connect_timeout": ct, "read_timeout": rt, "description": desc,
        })
    if IntegrationCall.objects.exists():
        return
    rnd = random.Random(2026)
    now = timezone.now()
    rows = []
    for code, _name, url, *_rest in SYSTEMS:
        base = {"sms": 120, "dingtalk": 80, "dingtalk_robot": 60, "cloud_mgmt": 350, "zabbix": 200, "idp": 40}[code]
        for i in range(rnd.randint(40, 120)):
            ok = rnd.random() > (0.08 if code == "cloud_mgmt" else 0.02)
            rows.append(IntegrationCall(
                system=code, method="POST" if code in ("sms", "dingtalk_robot") else "GET", url=url,
                status_code=200 if ok else rnd.choice([500, 502, 503, 504]), ok=ok,
                latency_ms=int(rnd.lognormvariate(0, 0.5) * base), attempt=1, request_id=f"demo{code}{i:04d}",
                error="" if ok else "upstream unavailable",
            ))
    objs = IntegrationCall.objects.bulk_create(rows)
    for obj in objs:  # spread over the last 24 hours (created_at is auto_now_add)
        obj.created_at = now - timedelta(minutes=rnd.randint(0, 24 * 60))
    IntegrationCall.objects.bulk_update(objs, ["created_at"], batch_size=500)
