"""Fixtures of project review tests: templates, tag vocabulary, users per role and helpers to walk the flow."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document


def make_docx(*paragraphs: str, heading: str = "") -> bytes:
    doc = Document()
    if heading:
        doc.add_heading(heading, level=1)
    for text in paragraphs:
        doc.add_paragraph(text)
    from egov_project_review.documents import save

    return save(doc)


def upload(name="建设方案.docx", *paragraphs):
    data = make_docx(*(paragraphs or ("本项目依托政务云建设统一身份认证和电子证照共享服务。",)), heading="项目建设方案")
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


SECTIONS = [
    {"key": "purpose", "label": "项目目的", "required": True, "help": ""},
    {"key": "content", "label": "建设内容", "required": True, "help": ""},
    {"key": "resources", "label": "资源需求", "required": False, "help": ""},
]


@pytest.fixture
def pr_setup(db, users, make_user, orgs, regions):
    from egov_project_review import services
    from egov_project_review.models import IntensiveTemplate, ReplyTemplate, Tag

    admin = users["sysadmin"]
    admin.is_superuser = True
    admin.save()
    for kind, name in (("construction", "建设方案申报模版"), ("service", "服务方案申报模版"),
                       ("operation", "运维方案申报模版")):
        services.template_publish(user=admin, kind=kind, name=name, sections=SECTIONS)
    IntensiveTemplate.objects.create(name="市级集约化建设模版", active=True, sections=[
        {"key": "cloud", "label": "政务云资源", "required": False, "help": ""}])
    ReplyTemplate.objects.create(name="市级方案回函", level="city",
                                 body="{{申报单位}}：\n《{{项目名称}}》（{{方案编号}}）审核意见：{{审核意见}}\n{{日期}}")
    ReplyTemplate.objects.create(name="通用回函", level="", body="{{申报单位}}：《{{项目名称}}》已审核。{{审核意见}}")
    Tag.objects.create(name="政务云", category="基础设施", keywords="政务云,云资源")
    Tag.objects.create(name="统一身份认证", category="公共应用", keywords="统一身份认证,单点登录")
    Tag.objects.create(name="电子证照", category="公共应用", keywords="电子证照")
    extra = {
        "city_applicant": make_user("city_applicant", "dept_user", "city", phone="13800000001"),
        "intake": make_user("pr_intake", "pr_intake", "centre"),
        "head2": make_user("dept_head2", "dept_head", "centre"),
        "reviewer2": make_user("reviewer2", "reviewer", "centre"),
        "accept": make_user("pr_accept", "pr_accept", "centre"),
        "reply": make_user("pr_reply", "pr_reply", "centre"),
        "expert": make_user("tech_expert", "pr_tech_expert", "centre"),
        "jj_applicant": users["dept_user"],
    }
    return {**users, **extra, "admin": admin}


def new_proposal(user, title="成都市不动产登记信息平台升级改造项目", kind="construction", files=1):
    from egov_project_review import services

    p = services.proposal_create(user=user, data={
        "title": title, "kind": kind, "budget": "380.5", "contact_phone": "028-61880000",
        "content": {"purpose": "提升不动产登记“一网通办”能力，依托政务云部署。",
                    "content": "建设统一身份认证接入、电子证照共享和登记业务协同。\n升级登记数据库。",
                    "resources": "政务云 32 核 128G 计算资源"},
        "intensive": {"cloud": "使用市政务云"}})
    for i in range(files):
        services.proposal_upload(user=user, proposal=p, file=upload(f"基础方案{i + 1}.docx"))
    return p
