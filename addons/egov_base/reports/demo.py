"""Demo data for reports: a weekly 组织机构与用户统计 schedule for the centre leader (idempotent)."""


def load():
    from ..org.models import User
    from .models import ReportSchedule

    owner = User.objects.filter(username="sysadmin").first()
    leader = User.objects.filter(username="leader").first()
    if owner is None:
        return
    schedule, _created = ReportSchedule.objects.get_or_create(
        code="egov_base.org_stats", name="每周组织机构与用户统计（周一 8:00）",
        defaults={"crontab": "0 8 * * 1", "format": "pdf", "run_as": owner, "created_by": owner, "params": {}},
    )
    recipients = [u for u in (leader, User.objects.filter(username="city_admin").first()) if u]
    if recipients:
        schedule.recipients.add(*recipients)
