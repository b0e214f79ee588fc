"""Merged document, encryption at rest, Word online edit and comments, reply letters, templates."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from docx import Document

from egov_project_review import documents, services
from egov_project_review.models import ProposalTemplate

from .conftest import SECTIONS, make_docx, new_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(pr_setup):
    p = new_proposal(pr_setup["city_applicant"], files=2)
    services.proposal_submit(user=pr_setup["city_applicant"], proposal=p)
    p.refresh_from_db()
    return p


def _doc(p):
    data, v = services.document_bytes(p)
    return Document(io.BytesIO(data)), v


def test_merged_document_contains_form_and_uploads(submitted):
    doc, v = _doc(submitted)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert submitted.title in text
    assert "项目目的" in text and "提升不动产登记" in text
    assert "附件：基础方案1.docx" in text and "附件：基础方案2.docx" in text
    assert "本项目依托政务云建设统一身份认证" in text
    assert doc.tables and doc.tables[0].rows[0].cells[1].text == submitted.title
    assert v.version == 1 and v.encrypted


def test_files_encrypted_at_rest(submitted):
    from django.conf import settings

    for att in services.attachments_for(submitted):
        v = att.current_version
        raw = open(settings.MEDIA_ROOT / v.file.name if hasattr(settings.MEDIA_ROOT, "joinpath")
                   else f"{settings.MEDIA_ROOT}/{v.file.name}", "rb").read()
        assert v.encrypted and raw.startswith(b"EGOVENC1")
        assert not zipfile.is_zipfile(io.BytesIO(raw))  # not readable as .docx
        assert b"word/document.xml" not in raw


def test_edit_paragraph_keeps_style_and_makes_version(pr_setup, submitted):
    u = pr_setup
    doc, v = _doc(submitted)
    idx = next(i for i, p in enumerate(doc.paragraphs) if p.text.startswith("提升不动产登记"))
    style, font = doc.paragraphs[idx].style.name, doc.paragraphs[idx].runs[0].font.name
    # the applicant may no longer edit after submission; the intake (current handler) may
    with pytest.raises(Exception):
        services.document_edit(user=u["city_applicant"], proposal=submitted, base_version=1, changes={idx: "x"})
    v2 = services.document_edit(user=u["intake"], proposal=submitted, base_version=1,
                                changes={idx: "提升不动产登记“一网通办”和“跨省通办”能力。"})
    assert v2.version == 2
    doc2, _ = _doc(submitted)
    p = doc2.paragraphs[idx]
    assert p.text == "提升不动产登记“一网通办”和“跨省通办”能力。"
    assert p.style.name == style and p.runs[0].font.name == font
    with pytest.raises(ValidationError):  # stale base version
        services.document_edit(user=u["intake"], proposal=submitted, base_version=1, changes={idx: "y"})


def test_comment_is_a_real_word_comment(pr_setup, submitted):
    u = pr_setup
    doc, v = _doc(submitted)
    idx = next(i for i, p in enumerate(doc.paragraphs) if p.text.startswith("建设统一身份认证"))
    with pytest.raises(Exception):  # no annotation right for the applicant
        services.document_comment(user=u["city_applicant"], proposal=submitted, base_version=v.version, index=idx,
                                  text="x")
    services.document_comment(user=u["intake"], proposal=submitted, base_version=v.version, index=idx,
                              text="请补充统一身份认证的接入方式")
    data, _v = services.document_bytes(submitted)
    d = Document(io.BytesIO(data))
    assert [(c.author, c.text) for c in d.comments] == [(str(u["intake"]), "请补充统一身份认证的接入方式")]
    listed = documents.comments(data)
    assert listed[0]["paragraph"] == idx
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "word/comments.xml" in z.namelist()


def test_document_save_endpoint(client, pr_setup, submitted):
    u = pr_setup
    url = reverse("egov_project_review:document_save", args=[submitted.pk])
    client.force_login(u["intake"])
    r = client.post(url, json.dumps({"version": 1, "changes": {"999": "x"}}), content_type="application/json")
    assert r.status_code == 400 and "段落" in r.json()["message"]
    r = client.post(url, json.dumps({"version": 1, "index": 5, "comment": "请核实预算"}),
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.post(url, json.dumps({"version": 1, "changes": {"5": "x"}}), content_type="application/json")
    assert r.status_code == 409
    client.force_login(u["jj_admin"])
    assert client.post(url, "{}", content_type="application/json").status_code == 404
    page = client.get(reverse("egov_project_review:document", args=[submitted.pk]))
    assert page.status_code == 404


def test_document_page_renders(client, pr_setup, submitted):
    client.force_login(pr_setup["intake"])
    r = client.get(reverse("egov_project_review:document", args=[submitted.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and 'contenteditable="true"' in html and "docx-preview" in html


def test_resubmit_keeps_online_edits_when_form_unchanged(pr_setup):
    u = pr_setup
    p = new_proposal(u["city_applicant"])
    services.document_build_for(user=u["city_applicant"], proposal=p)
    p.refresh_from_db()
    doc, v = _doc(p)
    services.document_edit(user=u["city_applicant"], proposal=p, base_version=v.version, changes={0: "新标题"})
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    doc, v = _doc(p)
    assert doc.paragraphs[0].text == "新标题" and v.version == 2


def test_reply_letter_from_docx_template(pr_setup):
    from egov_project_review.models import ReplyTemplate

    tpl = ReplyTemplate.objects.get(name="市级方案回函")
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = make_docx("{{申报单位}}：", "贵单位《{{项目名称}}》（{{方案编号}}）已审核。", "意见：{{审核意见}}")
    services.reply_template_upload(user=pr_setup["admin"], template=tpl,
                                   file=SimpleUploadedFile("回函模版.docx", data))
    p = new_proposal(pr_setup["city_applicant"])
    out = documents.render_reply(template_bytes=services.read_plain(
        services.attachments_for(tpl, purpose=services.PURPOSE_TEMPLATE).first().current_version),
        body="", values=services.reply_values(p, "同意"), title="")
    text = "\n".join(x.text for x in Document(io.BytesIO(out)).paragraphs)
    assert f"贵单位《{p.title}》（{p.number}）已审核。" in text and "意见：同意" in text


def test_one_active_template_per_kind(pr_setup):
    admin = pr_setup["admin"]
    t2 = services.template_publish(user=admin, kind="construction", name="建设方案申报模版（2027版）",
                                   sections=SECTIONS)
    assert t2.version == 2 and t2.active
    assert ProposalTemplate.objects.filter(kind="construction", active=True).count() == 1
    old = ProposalTemplate.objects.get(kind="construction", version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalTemplate.objects.filter(pk=old.pk).update(active=True)
    services.template_activate(user=admin, template=old)
    assert list(ProposalTemplate.objects.filter(kind="construction", active=True)) == [old]
    with pytest.raises(ValidationError):
        services.template_delete(user=admin, template=old)
    with pytest.raises(ValidationError):
        services.template_publish(user=admin, kind="construction", name="x", sections=[{"key": "a", "label": ""}])
    with pytest.raises(ValidationError):
        services.parse_sections_text("a|甲\na|乙")


def test_intensive_template_per_district(pr_setup, regions):
    admin = pr_setup["admin"]
    t = services.intensive_publish(user=admin, region=regions["锦江区"], name="锦江区集约化模版",
                                   sections=[{"key": "net", "label": "电子政务外网"}])
    assert services.active_intensive(regions["锦江区"].pk) == t
    assert services.active_intensive(regions["青羊区"].pk).region_id is None  # falls back to the city template
    p = new_proposal(pr_setup["jj_applicant"])
    assert p.intensive_template == t
