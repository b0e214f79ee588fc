import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from egov_base.reports import cron
from egov_base.reports.models import ReportRun, ReportSchedule
from egov_base.reports.org_stats import OrgStatsExcel, OrgStatsPdf
from egov_base.reports.services import report_request, schedule_run_due

pytestmark = pytest.mark.django_db
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_pdf_renders_with_cjk_glyphs(orgs, users, tmp_path):
    data = OrgStatsPdf(user=users["sysadmin"]).render({})
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert "组织机构与用户统计" in text
    assert "成都市大数据中心" in text
    flat = "".join(text.split())
    # digits and Latin letters have glyphs too (the page count grows with the roles domain apps register)
    assert re.search(r"第1页共\d+页", flat) and "\x00" not in text
    everything = "".join("".join(p.extract_text().split()) for p in reader.pages)
    assert "QY-XZSP" in everything
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(SHOTS / "report_org_stats")], check=True)
    assert (SHOTS / "report_org_stats.png").stat().st_size > 1000


def test_pdf_font_missing_message(settings):
    from django.core.exceptions import ImproperlyConfigured

    from egov_base.reports import fonts

    saved = fonts._registered
    fonts._registered = None
    settings.PDF_CJK_FONT_PATHS = ["/nonexistent/font.ttf"]
    try:
        with pytest.raises(ImproperlyConfigured, match="PDF_CJK_FONT_PATHS"):
            fonts.register_cjk_font()
    finally:
        fonts._registered = saved


def test_excel_headers_and_scope(orgs, users):
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(OrgStatsExcel(user=users["sysadmin"]).render({})))
    assert wb.sheetnames == ["组织机构统计", "角色用户统计", "单位用户统计"]
    ws = wb["组织机构统计"]
    assert ws["A1"].value.startswith("组织机构与用户统计")
    assert [c.value for c in ws[4]][:3] == ["区(市)县", "市级部门", "区县部门"]
    assert ws.freeze_panes == "A5"
    units = [r[0] for r in wb["单位用户统计"].iter_rows(min_row=5, values_only=True)]
    assert "青羊区行政审批局" in units
    # a district administrator's report only covers their own district
    wb2 = openpyxl.load_workbook(io.BytesIO(OrgStatsExcel(user=users["jj_admin"]).render({})))
    units2 = [r[0] for r in wb2["单位用户统计"].iter_rows(min_row=5, values_only=True)]
    assert "青羊区行政审批局" not in units2 and "锦江区行政审批局" in units2


def test_run_service_idempotent_and_download(client, orgs, users):
    run = report_request(code="egov_base.org_stats", user=users["sysadmin"], fmt="xlsx", request_key="k1", run_now=True)
    assert run.status == "done" and run.size > 0 and run.file_name.endswith(".xlsx")
    again = report_request(code="egov_base.org_stats", user=users["sysadmin"], fmt="xlsx", request_key="k1")
    assert again.pk == run.pk and ReportRun.objects.count() == 1
    client.force_login(users["sysadmin"])
    resp = client.get(reverse("egov_base:report_download", args=[run.pk]))
    assert resp.status_code == 200 and "filename*=UTF-8''" in resp["Content-Disposition"]
    client.force_login(users["qy_admin"])
    assert client.get(reverse("egov_base:report_download", args=[run.pk])).status_code == 404


def test_screens(client, orgs, users, django_capture_on_commit_callbacks):
    client.force_login(users["sysadmin"])
    assert "组织机构与用户统计" in client.get(reverse("egov_base:report_list")).content.decode()
    url = reverse("egov_base:report_run", args=["egov_base.org_stats"])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, {"format": "pdf", "request_key": "abc"})
    assert resp.status_code == 302
    run = ReportRun.objects.get(request_key="abc")
    assert run.status == "done"
    assert "组织机构与用户统计" in client.get(reverse("egov_base:report_history")).content.decode()
    assert client.get(reverse("egov_base:report_run", args=["nope"])).status_code == 404


def test_cron():
    fields = cron.parse("30 8 * * 1-5")
    assert cron.matches(fields, dt.datetime(2026, 11, 23, 8, 30))  # Monday
    assert not cron.matches(fields, dt.datetime(2026, 11, 22, 8, 30))  # Sunday
    with pytest.raises(Exception):
        cron.parse("61 * * *")
    due = cron.last_due("0 8 * * *", after=dt.datetime(2026, 11, 24, 9, 0), until=dt.datetime(2026, 11, 25, 9, 0))
    assert due == dt.datetime(2026, 11, 25, 8, 0)


def test_scheduled_run_delivers_inbox_task(orgs, users, django_capture_on_commit_callbacks):
    pytest.importorskip("egov_base.inbox.services")
    from egov_base.inbox.models import Task

    schedule = ReportSchedule.objects.create(code="egov_base.org_stats", name="每日组织统计", crontab="0 8 * * *",
                                             format="pdf", run_as=users["sysadmin"])
    schedule.recipients.set([users["leader"], users["city_admin"]])
    ReportSchedule.objects.filter(pk=schedule.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        runs = schedule_run_due()
    assert len(runs) == 1 and runs[0].status == "done"
    tasks = Task.objects.filter(key=f"report_run:{runs[0].pk}")
    assert tasks.count() == 2 and set(tasks.values_list("kind", flat=True)) == {"toread"}
    # the same due time again creates nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_run_due() == []
    assert ReportRun.objects.filter(schedule=schedule).count() == 1
