"""Demo inbox items (idempotent by key) so the inbox shows realistic work for the demo users."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from .services import task_open

ITEMS = [
    ("ops", "todo", "处理工单：锦江区行政审批局政务外网接入中断", -2, "egov_helpdesk", "demo:ticket:1"),
    ("ops", "todo", "核查告警：市政务云 2 号机房 UPS 电池温度过高", 6, "egov_monitoring_bridge", "demo:alert:1"),
    ("reviewer", "todo", "方案预审：成都市经济和信息化局“产业大脑”项目建设方案", 48, "egov_project_review", "demo:review:1"),
    ("leader", "todo", "审批：青羊区行政审批局政务云资源扩容申请（32 vCPU / 128 GB）", 20, "approval:service_request", "demo:approval:1"),
    ("dept_user", "toread", "通知：关于开展 2026 年度政务信息系统等保测评的通知", None, "egov_base.content", "demo:notice:1"),
    ("service_desk", "todo", "受理服务请求：成华区卫健局申请视频会议保障", 4, "egov_service_catalog", "demo:sr:1"),
]


def load():
    User = get_user_model()
    now = timezone.now()
    for username, kind, title, due_hours, source, key in ITEMS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        task_open(assignees=[user], kind=kind, title=title, key=key, source=source, notify=False,
                  due_at=now + timedelta(hours=due_hours) if due_hours is not None else None)
