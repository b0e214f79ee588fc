"""Word documents of a proposal: merge the structured form and the uploaded .docx into one document (python-docx +
docxcompose), edit paragraph text keeping the first run's formatting, add real Word comments, read comments back,
render reply letters from templates, convert to PDF with LibreOffice headless. Pure functions on bytes; the
services store the results through egov_base.files."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

logger = logging.getLogger(__name__)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
HEAD_FONT = "黑体"


def _set_cjk_font(style, name, size=None):
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    if size:
        style.font.size = Pt(size)


def _new_document():
    doc = Document()
    _set_cjk_font(doc.styles["Normal"], BODY_FONT, 14)
    for level in (1, 2):
        _set_cjk_font(doc.styles[f"Heading {level}"], HEAD_FONT, 18 if level == 1 else 15)
    _set_cjk_font(doc.styles["Title"], "方正小标宋简体", 22)
    return doc


def format_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def build_form_document(*, proposal, sections, intensive_sections, tags=()) -> Document:
    """The structured part of the proposal (cover + basic information + sections)."""
    doc = _new_document()
    title = doc.add_paragraph(proposal.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(f"{proposal.get_kind_display()}　{proposal.number}")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading(_("一、项目基本信息"), level=1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        (_("项目名称"), proposal.title), (_("方案编号"), proposal.number),
        (_("方案类型"), proposal.get_kind_display()), (_("项目级别"), proposal.get_level_display()),
        (_("申报单位"), str(proposal.organization)), (_("申报人"), str(proposal.applicant)),
        (_("联系电话"), proposal.contact_phone or ""),
        (_("预算金额（万元）"), f"{proposal.budget:,.2f}" if proposal.budget is not None else ""),
        (_("申报日期"), format_date(proposal.submitted_at or timezone.now())),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)

    numerals = "二三四五六七八九十"
    n = 0
    for s in sections:
        doc.add_heading(f"{numerals[min(n, len(numerals) - 1)]}、{s['label']}", level=1)
        n += 1
        for line in (proposal.content or {}).get(s["key"], "").splitlines():
            if line.strip():
                doc.add_paragraph(line.strip())
    if intensive_sections:
        doc.add_heading(f"{numerals[min(n, len(numerals) - 1)]}、{_('集约化建设及公共应用接入')}", level=1)
        n += 1
        for s in intensive_sections:
            value = (proposal.intensive or {}).get(s["key"], "")
            doc.add_paragraph(f"{s['label']}：{value or _('无')}")
    if tags:
        doc.add_paragraph(_("标签：") + "、".join(tags))
    return doc


def merge(*, form_doc: Document, attachments: list[tuple[str, bytes]], others: list[str] = ()) -> bytes:
    """Append each uploaded .docx (name, bytes) after the form part, one per section with a heading; list the
    non-Word uploads. Returns the merged .docx bytes."""
    from docxcompose.composer import Composer

    if others:
        form_doc.add_heading(_("附件清单"), level=1)
        for name in others:
            form_doc.add_paragraph(name)
    composer = Composer(form_doc)
    for name, data in attachments:
        sep = Document()
        p = sep.add_paragraph()
        p.add_run().add_break(WD_BREAK.PAGE)
        sep.add_heading(_("附件：%(name)s") % {"name": name}, level=1)
        composer.append(sep)
        composer.append(Document(io.BytesIO(data)))
    out = io.BytesIO()
    composer.save(out)
    return safe_zip(out.getvalue())


def safe_zip(data: bytes, plain_bytes: int = 16384) -> bytes:
    """Repack a .docx so its first entries are stored uncompressed ([Content_Types].xml first, then small XML
    parts until ``plain_bytes``): the upload validator scans the first KB for markers such as ``<%`` and deflated
    bytes hit those by chance (about one file in twenty). Word and python-docx read both layouts."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    infos = src.infolist()
    infos.sort(key=lambda i: (i.filename != "[Content_Types].xml", not i.filename.endswith((".xml", ".rels")),
                              i.file_size))
    out = io.BytesIO()
    written = 0
    with zipfile.ZipFile(out, "w") as dst:
        for info in infos:
            body = src.read(info.filename)
            method = zipfile.ZIP_STORED if written < plain_bytes and info.filename.endswith((".xml", ".rels")) \
                else zipfile.ZIP_DEFLATED
            zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zi.compress_type = method
            dst.writestr(zi, body)
            written += len(body) + 64
    return out.getvalue()


def load(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def save(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return safe_zip(out.getvalue())


def paragraphs(data: bytes) -> list[dict]:
    """Body paragraphs with their index (the editor's blocks)."""
    doc = load(data)
    out = []
    for i, p in enumerate(doc.paragraphs):
        style = p.style.name if p.style is not None else ""
        out.append({"index": i, "text": p.text, "style": style,
                    "heading": style.startswith("Heading") or style == "Title"})
    return out


def set_paragraph_text(paragraph, text: str) -> None:
    """Replace a paragraph's text, keeping the first run's formatting (and the paragraph style); comment anchors
    and other non-run children stay in place."""
    runs = paragraph.runs
    if not runs:
        paragraph.add_run(text)
        return
    runs[0].text = text
    for r in runs[1:]:
        r._element.getparent().remove(r._element)


def edit_paragraphs(data: bytes, changes: dict[int, str]) -> bytes:
    doc = load(data)
    paras = doc.paragraphs
    for idx, text in changes.items():
        if not 0 <= idx < len(paras):
            raise IndexError(idx)
        set_paragraph_text(paras[idx], text)
    return save(doc)


def add_comment(data: bytes, *, index: int, text: str, author: str, initials: str = "") -> bytes:
    doc = load(data)
    paras = doc.paragraphs
    if not 0 <= index < len(paras):
        raise IndexError(index)
    p = paras[index]
    if not p.runs:
        raise ValueError("empty paragraph")
    doc.add_comment(p.runs, text=text, author=author, initials=initials or author[:1])
    return save(doc)


def comments(data: bytes) -> list[dict]:
    """The Word comments of the document with the index of the paragraph they are anchored to."""
    doc = load(data)
    anchors = {}
    for i, p in enumerate(doc.paragraphs):
        for cid in p._p.xpath("./w:commentRangeStart/@w:id"):
            anchors.setdefault(str(cid), (i, p.text))
    out = []
    for c in doc.comments:
        idx, quote = anchors.get(str(c.comment_id), (None, ""))
        ts = c.timestamp
        out.append({"id": c.comment_id, "author": c.author, "initials": c.initials, "text": c.text,
                    "timestamp": timezone.localtime(ts) if ts and timezone.is_aware(ts) else ts,
                    "paragraph": idx, "quote": quote[:60]})
    return out


PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")


def render_placeholders(text: str, values: dict) -> str:
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def render_reply(*, template_bytes: bytes | None, body: str, values: dict, title: str) -> bytes:
    """A reply letter: the template .docx with {{占位符}} replaced paragraph by paragraph (first run keeps the
    format), or a plain letter from ``body``."""
    if template_bytes:
        doc = load(template_bytes)
        for p in _all_paragraphs(doc):
            if "{{" in p.text:
                set_paragraph_text(p, render_placeholders(p.text, values))
        return save(doc)
    doc = _new_document()
    head = doc.add_paragraph(title, style="Title")
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in render_placeholders(body, values).splitlines():
        doc.add_paragraph(line)
    return save(doc)


def _all_paragraphs(doc):
    yield from doc.paragraphs
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def to_pdf(data: bytes, *, timeout: int = 120) -> bytes | None:
    """Convert .docx bytes to PDF with LibreOffice headless (own profile dir per call so parallel runs do not
    clash). Returns None when soffice is not installed or the conversion fails (logged)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        logger.warning("soffice not installed: PDF of the proposal skipped")
        return None
    with tempfile.TemporaryDirectory(prefix="egov-pr-pdf-") as tmp:
        src = os.path.join(tmp, "proposal.docx")
        with open(src, "wb") as fh:
            fh.write(data)
        profile = os.path.join(tmp, "profile")
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, src]
        try:
            subprocess.run(cmd, check=True, timeout=timeout, capture_output=True)
        except (subprocess.SubprocessError, OSError) as exc:
            logger.warning("PDF conversion failed: %s", exc)
            return None
        pdf = os.path.join(tmp, "proposal.pdf")
        if not os.path.exists(pdf):
            return None
        with open(pdf, "rb") as fh:
            return fh.read()
