"""Node documents (办理文书): 申请函及需求单, 单位批复函, 需求确认单, 服务交付单, 验收评价单.

A document is issued when its node completes: the content (request, form, node opinion, delivered resources) is
frozen in ``RequestDocument.data``; Word (python-docx) and PDF (egov_base.reports) are rendered from that
snapshot on download, so a later change of the request never alters an issued document."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import forms_engine
from ..models import RequestDocument, ServiceRequest

TITLES = {
    RequestDocument.Node.APPLY: "服务申请函及需求单",
    RequestDocument.Node.APPROVAL: "单位批复函",
    RequestDocument.Node.CONFIRM: "服务需求确认单",
    RequestDocument.Node.DELIVERY: "服务交付单",
    RequestDocument.Node.ACCEPTANCE: "服务验收评价单",
}
PREFIX = {"apply": "SQ", "approval": "PF", "confirm": "QR", "delivery": "JF", "acceptance": "YS"}


def _cn_dt(value) -> str:
    if not value:
        return ""
    v = timezone.localtime(value)
    return f"{v.year}年{v.month}月{v.day}日 {v:%H:%M}"


def _snapshot(req: ServiceRequest, node: str, user, comment: str, form_data: dict | None) -> dict:
    schema = req.form.schema if req.form_id else {}
    data = {
        "request": {
            "number": req.number, "kind": req.get_kind_display(), "item": req.item.name, "item_code": req.item.code,
            "service_type": req.item.get_service_type_display(),
            "spec": req.spec.name if req.spec_id else "", "spec_params": req.spec.params_text if req.spec_id else "",
            "quantity": req.quantity, "unit": req.item.unit, "title": req.title,
            "organization": str(req.organization), "applicant": str(req.applicant),
            "phone": req.contact_phone, "submitted_at": _cn_dt(req.submitted_at),
            "subscription": req.subscription.number if req.subscription_id else "",
            "provider": str(req.item.provider) if req.item.provider_id else "",
        },
        "form": forms_engine.rows(schema, req.form_data),
        "opinion": comment or "",
        "node_form": form_data or {},
        "signed_at": _cn_dt(timezone.now()),
    }
    if node == RequestDocument.Node.DELIVERY:
        data["delivery"] = req.delivery_data or {}
        data["fulfilment"] = [
            {"name": s.name, "status": s.get_status_display(), "by": str(s.done_by or ""), "at": _cn_dt(s.done_at),
             "note": s.note}
            for s in req.fulfilment.select_related("done_by")
        ]
    if node == RequestDocument.Node.ACCEPTANCE:
        data["rating"] = req.rating
        data["rating_comment"] = req.rating_comment
    return data


def document_issue(*, request: ServiceRequest, node: str, user, comment: str = "", form_data=None) -> RequestDocument:
    """Issue (or re-issue after a return and resubmission: version + 1) the document of ``node``."""
    with transaction.atomic():
        doc = RequestDocument.objects.select_for_update().filter(request=request, node=node).first()
        data = _snapshot(request, node, user, comment, form_data)
        org = getattr(user, "organization", None)
        if doc is None:
            doc = RequestDocument(request=request, node=node, number=f"{PREFIX[node]}-{request.number}",
                                  title=TITLES[node])
        else:
            doc.version += 1
        doc.data, doc.signer_name, doc.signer_org = data, str(user), str(org or "")
        doc.save()
    return doc


# --- rendering ------------------------------------------------------------------------------------------------

def _rows(doc: RequestDocument) -> list[tuple[str, list[list[str]]]]:
    """The document as titled sections of (label, value) rows, shared by Word and PDF."""
    d, r = doc.data, doc.data.get("request", {})
    basic = [
        [_("文书编号"), doc.number], [_("申请编号"), r.get("number", "")], [_("申请类型"), r.get("kind", "")],
        [_("申请单位"), r.get("organization", "")], [_("申请人"), r.get("applicant", "")],
        [_("联系电话"), r.get("phone", "")], [_("服务项"), f"{r.get('item', '')}（{r.get('service_type', '')}）"],
        [_("规格"), " ".join(x for x in [r.get("spec", ""), r.get("spec_params", "")] if x) or "—"],
        [_("数量"), f"{r.get('quantity', '')} {r.get('unit', '')}".strip()],
        [_("申请事由"), r.get("title", "")], [_("提交时间"), r.get("submitted_at", "")],
    ]
    if r.get("subscription"):
        basic.append([_("服务对象"), r["subscription"]])
    if r.get("provider"):
        basic.append([_("服务提供方"), r["provider"]])
    sections = [(_("一、基本信息"), basic)]
    if doc.node == RequestDocument.Node.APPLY:
        sections.append((_("二、需求内容"), [[k, v] for k, v in d.get("form", [])] or [["—", "—"]]))
    else:
        opinion_label = {
            "approval": _("单位批复意见"), "confirm": _("需求确认意见"), "delivery": _("交付说明"),
            "acceptance": _("验收评价意见"),
        }.get(doc.node, _("意见"))
        rows = [[opinion_label, d.get("opinion") or _("同意")]]
        rows += [[str(k), str(v)] for k, v in (d.get("node_form") or {}).items()]
        sections.append((_("二、办理意见"), rows))
    if doc.node == RequestDocument.Node.DELIVERY:
        res = (d.get("delivery") or {}).get("resources") or []
        sections.append((_("三、交付资源"), [[x.get("name", ""), "；".join(v for v in (x.get("spec"), x.get("address"),
                                                                                 x.get("note")) if v)] for x in res]
                         or [["—", "—"]]))
        if d.get("fulfilment"):
            sections.append((_("四、服务过程"), [[f["name"], f"{f['status']} {f['by']} {f['at']} {f['note']}".strip()]
                                             for f in d["fulfilment"]]))
    if doc.node == RequestDocument.Node.ACCEPTANCE:
        sections.append((_("三、满意度评分"), [[_("评分"), "★" * int(d.get("rating") or 0) + f"（{d.get('rating')} / 5）"]]))
    sections.append((_("签发"), [[_("签发人"), doc.signer_name], [_("签发单位"), doc.signer_org],
                                 [_("签发时间"), d.get("signed_at", "")]]))
    return sections


def document_docx(doc: RequestDocument) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from egov_base.reports.base import centre_name

    word = Document()
    style = word.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    p = word.add_paragraph(centre_name())
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    h = word.add_heading(doc.title, level=1)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for title, rows in _rows(doc):
        word.add_heading(title, level=2)
        table = word.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(label), str(value)
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


def document_pdf(doc: RequestDocument, *, user=None) -> bytes:
    from egov_base.reports.pdf import PdfReport

    sections = _rows(doc)

    class _DocPdf(PdfReport):
        def build_story(self, params):
            story = []
            for title, rows in sections:
                story.append(self.heading(str(title), 2))
                story.append(self.table([[str(a), str(b)] for a, b in rows], col_widths=[0.28, 0.72], zebra=False))
                story.append(self.spacer(3))
            return story

    report = _DocPdf(user=user)
    report.title = doc.title
    report.subtitle = doc.number
    return report.render({})
