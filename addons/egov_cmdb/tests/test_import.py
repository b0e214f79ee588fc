"""Import wizard: column mapping, dry run, row errors (all or nothing), upsert idempotency."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov_cmdb.models import CI, CIImportJob
from egov_cmdb.services.importer import import_run, import_upload


def _xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("服务器台账.xlsx", buf.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


ROWS = [
    ["内部标识", "名称", "管理部门", "序列号", "管理 IP", "操作系统", "CPU 核数", "质保期至", "备注列"],
    ["SRV-IMP-001", "不动产登记数据库服务器", "CITY-DSJ", "SN-IMP-001", "10.30.1.1", "麒麟 V10", 32, "2027-06-30", "x"],
    ["SRV-IMP-002", "蓉易办应用服务器", "成都市大数据中心", "SN-IMP-002", "10.30.1.2", "openEuler", "64", "2027/7/1", ""],
    ["SRV-IMP-003", "12345 网络理政服务器", "CITY-DSJ", "SN-IMP-003", "10.30.1.3", "UOS", 16, "", ""],
]


@pytest.fixture
def importer(users, cmdb_ref, orgs):
    return users["ops"]


def _run(user, cmdb_ref, rows, dry_run, key="code"):
    job = import_upload(user=user, ci_class=cmdb_ref["classes"]["server"], upload=_xlsx(rows))
    return import_run(user=user, job=job, key_field=key, dry_run=dry_run)


def test_mapping_guessed_from_headers(importer, cmdb_ref):
    job = import_upload(user=importer, ci_class=cmdb_ref["classes"]["server"], upload=_xlsx(ROWS))
    assert job.mapping == {"0": "code", "1": "name", "2": "organization", "3": "serial_no", "4": "mgmt_ip",
                           "5": "os", "6": "cpu_cores", "7": "warranty_until"}
    assert job.total == 3


def test_dry_run_writes_nothing_then_apply_then_idempotent(importer, cmdb_ref):
    job = _run(importer, cmdb_ref, ROWS, dry_run=True)
    assert job.status == "checked" and job.created == 3 and not job.errors
    assert not CI.objects.filter(code__startswith="SRV-IMP").exists()
    job = _run(importer, cmdb_ref, ROWS, dry_run=False)
    assert job.status == "done" and job.created == 3
    ci = CI.objects.get(code="SRV-IMP-002")
    assert ci.attrs["cpu_cores"] == 64 and ci.attrs["warranty_until"] == "2027-07-01" and ci.source == "import"
    # the same file again: nothing new, nothing changed
    job = _run(importer, cmdb_ref, ROWS, dry_run=False)
    assert (job.created, job.updated, job.unchanged) == (0, 0, 3)
    assert CI.objects.filter(code__startswith="SRV-IMP").count() == 3
    assert CI.objects.get(code="SRV-IMP-002").version == 1
    # an edited file updates only the changed row
    rows = [list(r) for r in ROWS]
    rows[3][5] = "UOS 20"
    job = _run(importer, cmdb_ref, rows, dry_run=False)
    assert (job.created, job.updated, job.unchanged) == (0, 1, 2)


def test_upsert_by_unique_attribute_key(importer, cmdb_ref):
    rows = [[h for i, h in enumerate(r) if i != 0] for r in ROWS]  # no 内部标识 column
    job = _run(importer, cmdb_ref, rows, dry_run=False, key="serial_no")
    assert job.created == 3
    job = _run(importer, cmdb_ref, rows, dry_run=False, key="serial_no")
    assert job.unchanged == 3
    assert CI.objects.filter(attrs__has_key="serial_no", code__startswith="SRV-").count() >= 3


def test_one_bad_row_nothing_written(importer, cmdb_ref):
    rows = [list(r) for r in ROWS]
    rows[2][4] = "10.30.1.999"          # bad IP in Excel row 3
    rows[3][2] = "不存在的单位"           # unknown organisation in Excel row 4
    job = _run(importer, cmdb_ref, rows, dry_run=False)
    assert job.status == "failed"
    assert [e["row"] for e in job.errors] == [3, 4]
    assert "管理 IP" in job.errors[0]["messages"][0] and "10.30.1.999" in job.errors[0]["messages"][0]
    assert "不存在的单位" in job.errors[1]["messages"][0]
    assert not CI.objects.filter(code__startswith="SRV-IMP").exists()


def test_duplicate_unique_value_inside_file(importer, cmdb_ref):
    rows = [list(r) for r in ROWS]
    rows[2][3] = "SN-IMP-001"
    job = _run(importer, cmdb_ref, rows, dry_run=False)
    assert job.errors and job.errors[0]["row"] == 3 and "序列号" in job.errors[0]["messages"][0]
    assert not CI.objects.filter(code__startswith="SRV-IMP").exists()


def test_csv_gbk_and_bad_files(importer, cmdb_ref):
    from django.core.exceptions import ValidationError

    text = "名称,管理部门,序列号\n电子政务外网 DNS,CITY-DSJ,SN-CSV-1\n"
    job = import_upload(user=importer, ci_class=cmdb_ref["classes"]["server"],
                        upload=SimpleUploadedFile("dns.csv", text.encode("gbk"), content_type="text/csv"))
    job = import_run(user=importer, job=job, dry_run=False)
    assert job.status == "done" and CI.objects.filter(name="电子政务外网 DNS").exists()
    with pytest.raises(ValidationError):
        import_upload(user=importer, ci_class=cmdb_ref["classes"]["server"],
                      upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf"))


def test_only_own_jobs_and_permission(users, cmdb_ref):
    from django.core.exceptions import PermissionDenied

    job = import_upload(user=users["ops"], ci_class=cmdb_ref["classes"]["server"], upload=_xlsx(ROWS))
    with pytest.raises(PermissionDenied):
        import_run(user=users["city_admin"], job=job, dry_run=True)
    with pytest.raises(PermissionDenied):
        import_upload(user=users["dept_user"], ci_class=cmdb_ref["classes"]["server"], upload=_xlsx(ROWS))
    assert CIImportJob.objects.count() == 1


def test_big_file_runs_in_background(importer, cmdb_ref, monkeypatch, django_capture_on_commit_callbacks):
    from egov_cmdb.services import importer as imp

    monkeypatch.setattr(imp, "BACKGROUND_ROWS", 2)
    job = import_upload(user=importer, ci_class=cmdb_ref["classes"]["server"], upload=_xlsx(ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        job = imp.import_start_run(user=importer, job=job, mapping=job.mapping, key_field="code", dry_run=False)
        assert job.status == "running"
        # a second click while it is pending changes nothing
        assert imp.import_start_run(user=importer, job=job, mapping=job.mapping, key_field="code",
                                    dry_run=False).status == "running"
    job.refresh_from_db()
    assert job.status == "done" and job.created == 3 and job.pending_mode == ""
    assert CI.objects.filter(code__startswith="SRV-IMP").count() == 3
    c = __import__("django.test", fromlist=["Client"]).Client()
    c.force_login(importer)
    body = c.get(f"/cmdb/import/{job.pk}/").content.decode()
    assert "导入完成" in body
