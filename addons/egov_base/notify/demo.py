"""Demo data: a few in-app messages and preferences for the demo users."""

from __future__ import annotations


def load() -> None:
    from django.contrib.auth import get_user_model

    from .models import Message, NotificationPreference
    from .services import notify

    User = get_user_model()
    items = [
        ("dept_user", "锦江区政务云主机扩容申请已受理", "您提交的“锦江区不动产登记系统云主机扩容（8 核 32G ×2）”申请已受理，服务台将在 1 个工作日内完成资源开通。", "/"),
        ("dept_user", "电子政务外网 IP 地址分配完成", "锦江区行政审批局新增的 10.28.16.0/26 地址段已分配，请按附件配置网关。", "/"),
        ("ops", "【告警】天府软件园机房 A3 列 UPS 负载 85%", "请值班人员尽快到场检查 A3 列 UPS 负载情况，必要时启动负载转移预案。", "/"),
        ("leader", "2026 年 10 月云网运营月报已生成", "本月政务云资源利用率 67.4%，电子政务外网可用率 99.98%，服务请求满意度 98.6%。", "/"),
        ("reviewer", "待评审：成华区智慧社区平台上云方案", "成华区社治委提交的上云方案已通过形式审查，请于 11 月 28 日前完成技术评审。", "/"),
    ]
    for username, title, body, url in items:
        user = User.objects.filter(username=username).first()
        if user is None or Message.objects.filter(recipient=user, title=title).exists():
            continue
        notify([user], "notify.message", {"title": title, "body": body}, channels=["inapp"], url=url,
               key="demo:" + username + ":" + __import__("hashlib").sha1(title.encode()).hexdigest()[:12])
    ops = User.objects.filter(username="ops").first()
    if ops is not None:
        NotificationPreference.objects.get_or_create(user=ops, defaults={"dingtalk_userid": "cddc_ops_01"})
    leader = User.objects.filter(username="leader").first()
    if leader is not None:
        import datetime as dt

        NotificationPreference.objects.get_or_create(
            user=leader, defaults={"quiet_start": dt.time(22, 0), "quiet_end": dt.time(7, 30)})
