import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from egov_base.files import services
from egov_base.files.models import Attachment, AttachmentVersion
from egov_base.files.selectors import attachments_for
from egov_base.files.storage import read_plain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png_bytes():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def jpg_bytes():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (20, 30, 200)).save(buf, "JPEG")
    return buf.getvalue()


def docx_bytes():
    import docx

    d = docx.Document()
    d.add_paragraph("成都市大数据中心 测试文档")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "单位名称"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf_bytes():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 750, "egov test")
    c.save()
    return buf.getvalue()


def zip_bytes(names=("readme.txt",)):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "hello")
    return buf.getvalue()


def ofd_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD/>")
        zf.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buf.getvalue()


def up(name, data):
    return SimpleUploadedFile(name, data)


GOOD = [
    ("图片.png", png_bytes, "png"),
    ("照片.jpg", jpg_bytes, "jpg"),
    ("方案.docx", docx_bytes, "docx"),
    ("清单.xlsx", xlsx_bytes, "xlsx"),
    ("报告.pdf", pdf_bytes, "pdf"),
    ("资料.zip", zip_bytes, "zip"),
    ("电子公文.ofd", ofd_bytes, "ofd"),
    ("名单.csv", lambda: "单位,人数\n锦江区,12\n".encode(), "text"),
    ("说明.txt", lambda: "政务云资源申请说明".encode("gb18030"), "text"),
    ("旧版.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "ole"),
]


@pytest.mark.parametrize("name,make,kind", GOOD)
def test_upload_good_kinds(orgs, users, name, make, kind):
    data = make()
    v = services.attach(obj=orgs["jinjiang"], file=up(name, data), user=users["sysadmin"], comment="测试")
    assert v.kind == kind and v.version == 1 and v.size == len(data)
    assert read_plain(v) == data
    assert v.attachment.name == name


@pytest.mark.parametrize("name,data,code", [
    ("手册.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "dangerous"),
    ("合同.pdf", b"MZ\x90\x00" + b"\x00" * 100, "dangerous"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n", "dangerous"),
    ("page.txt", b"<html><script>alert(1)</script></html>", "dangerous"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "dangerous"),
    ("图片.pdf", None, "extension_mismatch"),
    ("noext", b"hello", "no_extension"),
    ("bad.zip", None, "zip_exec"),
    ("empty.txt", b"", "empty"),
])
def test_refuse_bad_files(orgs, users, name, data, code):
    if name == "图片.pdf":
        data = png_bytes()
    if name == "bad.zip":
        data = zip_bytes(["setup.exe"])
    with pytest.raises(ValidationError) as exc:
        services.attach(obj=orgs["jinjiang"], file=up(name, data), user=users["sysadmin"])
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.messages[0])  # a Chinese message
    assert not Attachment.objects.exists()


def test_refuse_oversize(orgs, users, settings):
    settings.FILE_UPLOAD_MAX_MB = 1
    data = b"a" * (1024 * 1024 + 10)
    with pytest.raises(ValidationError) as exc:
        services.attach(obj=orgs["jinjiang"], file=up("big.txt", data), user=users["sysadmin"])
    assert exc.value.code == "too_large" and "超过上限" in exc.value.messages[0]


def test_purpose_allow_list(orgs, users):
    from egov_base.files.validation import register_purpose

    register_purpose("test_images", "现场照片", groups=["image"])
    with pytest.raises(ValidationError) as exc:
        services.attach(obj=orgs["jinjiang"], file=up("a.pdf", pdf_bytes()), user=users["sysadmin"], purpose="test_images")
    assert exc.value.code == "not_allowed"
    v = services.attach(obj=orgs["jinjiang"], file=up("a.png", png_bytes()), user=users["sysadmin"], purpose="test_images")
    assert v.attachment.purpose == "test_images"


def test_versions_and_idempotency(orgs, users):
    obj, user = orgs["jinjiang"], users["sysadmin"]
    v1 = services.attach(obj=obj, file=up("方案.docx", docx_bytes()), user=user)
    again = services.attach(obj=obj, file=up("方案.docx", v1.file.open("rb").read()), user=user)
    assert again.pk == v1.pk  # double submit duplicates nothing
    revised = pdf_bytes()
    v2 = services.add_version(attachment=v1.attachment, file=up("方案-修订.pdf", revised), user=user, comment="修订")
    assert v2.version == 2
    v1.attachment.refresh_from_db()
    assert v1.attachment.current_version_id == v2.pk and v1.attachment.name == "方案-修订.pdf"
    same = services.add_version(attachment=v1.attachment, file=up("方案-修订.pdf", revised), user=user)
    assert same.pk == v2.pk
    assert AttachmentVersion.objects.filter(attachment=v1.attachment).count() == 2
    atts = list(attachments_for(obj, user))
    assert len(atts) == 1 and [v.version for v in atts[0].versions.all()] == [2, 1]
    services.attachment_delete(attachment=v1.attachment, user=user)
    assert not Attachment.objects.exists()


def test_encryption_at_rest(orgs, users):
    data = pdf_bytes()
    v = services.attach(obj=orgs["jinjiang"], file=up("密件.pdf", data), user=users["sysadmin"], encrypt=True)
    raw = open(v.file.path, "rb").read()
    assert v.encrypted and raw != data and data not in raw and raw.startswith(b"EGOVENC1")
    assert read_plain(v) == data


@override_settings(FILE_ENCRYPT_DEFAULT=True)
def test_encrypt_default_setting_and_big_file(orgs, users):
    data = ("成都" * 700000).encode("utf-8")  # ~4 MB, several chunks
    v = services.attach(obj=orgs["jinjiang"], file=up("大文件.txt", data), user=users["sysadmin"])
    assert v.encrypted and read_plain(v) == data


def test_download_view(client, orgs, users):
    data = pdf_bytes()
    v = services.attach(obj=orgs["jinjiang"], file=up("锦江区方案.pdf", data), user=users["sysadmin"], encrypt=True)
    client.force_login(users["jj_admin"])
    url = reverse("egov_base:attachment_download", args=[v.attachment.pk])
    resp = client.get(url)
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == data
    cd = resp["Content-Disposition"]
    assert "filename*=UTF-8''%E9%94%A6%E6%B1%9F" in cd and cd.startswith("attachment;")
    # another district's administrator: 404
    client.force_login(users["qy_admin"])
    assert client.get(url).status_code == 404


def test_download_scope_crossing_superuser_parent(client, orgs, users, make_user):
    from django.contrib.auth.models import Permission

    v = services.attach(obj=orgs["qingyang"], file=up("青羊.pdf", pdf_bytes()), user=users["sysadmin"])
    jj = users["jj_admin"]
    jj.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(jj)
    assert client.get(reverse("egov_base:attachment_download", args=[v.attachment.pk])).status_code == 404
    assert client.get(reverse("egov_base:attachment_download", args=[999999])).status_code == 404


def test_download_is_audited(client, orgs, users):
    pytest.importorskip("egov_base.audit.services")
    from egov_base.audit.models import AuditEntry

    v = services.attach(obj=orgs["centre"], file=up("a.pdf", pdf_bytes()), user=users["sysadmin"])
    client.force_login(users["sysadmin"])
    resp = client.get(reverse("egov_base:attachment_download", args=[v.attachment.pk]))
    assert resp.status_code == 200
    assert AuditEntry.objects.filter(action="download").exists()


def test_upload_view_htmx(client, orgs, users):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(orgs["centre"])
    client.force_login(users["sysadmin"])
    url = reverse("egov_base:attachment_upload", args=[ct.pk, orgs["centre"].pk])
    resp = client.post(url, {"file": up("照片.png", png_bytes()), "comment": "现场"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "照片.png" in resp.content.decode()
    bad = client.post(url, {"file": up("x.pdf", b"\x7fELF" + b"\0" * 50)}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "不允许上传可执行程序" in bad.content.decode()
    assert Attachment.objects.count() == 1
    att = Attachment.objects.get()
    resp = client.post(reverse("egov_base:attachment_replace", args=[att.pk]), {"file": up("照片2.png", png_bytes()[:-1] + b"\x00")})
    assert resp.status_code in (200, 400)
    resp = client.post(reverse("egov_base:attachment_delete", args=[att.pk]))
    assert resp.status_code == 200 and not Attachment.objects.exists()
    # a district admin cannot upload to another district's organisation
    client.force_login(users["jj_admin"])
    qy_ct_url = reverse("egov_base:attachment_upload", args=[ct.pk, orgs["qingyang"].pk])
    assert client.post(qy_ct_url, {"file": up("a.png", png_bytes())}).status_code == 404


def test_compressed_office_file_with_markup_like_bytes_is_accepted(orgs, users):
    """Compressed parts of a .docx may contain bytes like ``<%`` or ``<svg``; they are data, not a web page."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types><Default Extension="xml" '
                    'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("word/document.xml", "<w:document>数据 <% 不是脚本 <svg 也不是 </w:document>")
    v = services.attach(obj=orgs["jinjiang"], file=up("方案.docx", buf.getvalue()), user=users["sysadmin"])
    assert v.kind == "docx"
