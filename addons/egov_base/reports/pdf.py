"""PdfReport: A4 reportlab/platypus documents with an embedded CJK TrueType font, a title block with the
centre's name, header/footer with 第 x 页 共 y 页, and a table helper (repeating header, zebra rows, CJK
wrapping). Subclasses override ``build_story(self, params)`` and return a list of flowables."""

from __future__ import annotations

import io

from django.utils.html import escape
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .base import BaseReport, centre_name, cn_datetime
from .fonts import register_cjk_font, split_runs

PRIMARY = colors.HexColor("#1d4ed8")
HEADER_BG = colors.HexColor("#e8eefc")
ZEBRA = colors.HexColor("#f6f8fb")
GRID = colors.HexColor("#c9d3e3")


class _NumberedCanvas(rl_canvas.Canvas):
    """Defers page output so the footer can say 第 x 页 共 y 页."""

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved = []
        self._report = report

    def showPage(self):
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._report._draw_page_frame(self, self._pageNumber, total)
            super().showPage()
        super().save()


class PdfReport(BaseReport):
    format = "pdf"
    content_type = "application/pdf"
    title = "报表"
    subtitle = ""
    landscape = False
    margins = (18 * mm, 16 * mm, 20 * mm, 16 * mm)  # top, right, bottom, left

    def __init__(self, *, user=None, title: str | None = None):
        super().__init__(user=user, title=title)
        self.font = register_cjk_font()
        self.styles = self._make_styles()

    # --- styles and helpers -----------------------------------------------------------------------
    def _make_styles(self) -> dict[str, ParagraphStyle]:
        f = self.font
        base = dict(fontName=f, wordWrap="CJK", leading=15, fontSize=10.5)
        return {
            "title": ParagraphStyle("title", **{**base, "fontSize": 20, "leading": 26, "alignment": TA_CENTER, "spaceAfter": 4}),
            "subtitle": ParagraphStyle("subtitle", **{**base, "fontSize": 11, "alignment": TA_CENTER, "textColor": colors.HexColor("#555555")}),
            "h1": ParagraphStyle("h1", **{**base, "fontSize": 15, "leading": 20, "spaceBefore": 10, "spaceAfter": 6, "textColor": PRIMARY}),
            "h2": ParagraphStyle("h2", **{**base, "fontSize": 12.5, "leading": 17, "spaceBefore": 8, "spaceAfter": 4}),
            "body": ParagraphStyle("body", **{**base, "firstLineIndent": 21, "spaceAfter": 4}),
            "plain": ParagraphStyle("plain", **base),
            "small": ParagraphStyle("small", **{**base, "fontSize": 8.5, "leading": 11, "textColor": colors.HexColor("#666666")}),
            "cell": ParagraphStyle("cell", **{**base, "fontSize": 9, "leading": 12}),
            "cell_num": ParagraphStyle("cell_num", **{**base, "fontSize": 9, "leading": 12, "alignment": TA_RIGHT}),
            "head": ParagraphStyle("head", **{**base, "fontSize": 9, "leading": 12, "alignment": TA_CENTER, "textColor": colors.HexColor("#1e293b")}),
        }

    @property
    def page_size(self):
        return landscape(A4) if self.landscape else A4

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - self.margins[1] - self.margins[3]

    def markup(self, text) -> str:
        """Escape ``text`` for a Paragraph, switching to the Latin fallback font for characters the CJK font
        lacks (digits and Latin letters in DroidSansFallback)."""
        out = []
        for name, run in split_runs("" if text is None else str(text)):
            out.append(escape(run) if name == self.font else f'<font face="{name}">{escape(run)}</font>')
        return "".join(out)

    def paragraph(self, text, style: str = "body", *, markup: bool = False) -> Paragraph:
        """A paragraph; text is escaped unless ``markup=True`` (reportlab mini-HTML, used as is)."""
        return Paragraph(str(text) if markup else self.markup(text), self.styles[style])

    def _draw(self, canv, x, y, text, size, align="left"):
        runs = split_runs(text)
        width = sum(canv.stringWidth(r, n, size) for n, r in runs)
        if align == "right":
            x -= width
        for name, run in runs:
            canv.setFont(name, size)
            canv.drawString(x, y, run)
            x += canv.stringWidth(run, name, size)

    def heading(self, text, level: int = 1) -> Paragraph:
        return self.paragraph(text, "h1" if level == 1 else "h2")

    def spacer(self, height_mm: float = 4) -> Spacer:
        return Spacer(1, height_mm * mm)

    def title_block(self, params=None) -> list:
        items = [
            self.paragraph(centre_name(), "subtitle"),
            Spacer(1, 2 * mm),
            self.paragraph(self.title, "title"),
        ]
        if self.subtitle:
            items.append(self.paragraph(self.subtitle, "subtitle"))
        items += [self.paragraph(f"生成时间：{cn_datetime(self.generated_at)}", "subtitle"), Spacer(1, 6 * mm)]
        return items

    def table(self, rows, *, header=None, col_widths=None, header_rows: int = 1, zebra: bool = True,
              numeric_cols=(), total_row: bool = False) -> Table:
        """A table with a repeating header. ``col_widths``: points, or fractions of the frame width that sum
        to 1. Cells that are strings are wrapped as CJK paragraphs; numbers are right-aligned."""
        data = []
        if header:
            data.append([Paragraph(self.markup(h), self.styles["head"]) for h in header])
        else:
            header_rows = 0
        for row in rows:
            cells = []
            for i, value in enumerate(row):
                if hasattr(value, "wrap"):
                    cells.append(value)
                elif isinstance(value, (int, float)) or i in numeric_cols:
                    text = f"{value:,}" if isinstance(value, int) else (f"{value:,.2f}" if isinstance(value, float) else str(value))
                    cells.append(Paragraph(self.markup(text), self.styles["cell_num"]))
                else:
                    cells.append(Paragraph(self.markup(value), self.styles["cell"]))
            data.append(cells)
        if col_widths and sum(col_widths) <= 1.0001:
            col_widths = [w * self.frame_width for w in col_widths]
        tbl = Table(data, colWidths=col_widths, repeatRows=header_rows, hAlign="LEFT")
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header_rows:
            style += [("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BG),
                      ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 1, PRIMARY)]
        if zebra:
            for r in range(header_rows, len(data)):
                if (r - header_rows) % 2 == 1:
                    style.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
        if total_row and len(data) > header_rows:
            style += [("BACKGROUND", (0, -1), (-1, -1), HEADER_BG), ("LINEABOVE", (0, -1), (-1, -1), 1, PRIMARY)]
        tbl.setStyle(TableStyle(style))
        return tbl

    # --- page frame ---------------------------------------------------------------------------------
    def _draw_page_frame(self, canv, page: int, total: int) -> None:
        width, height = self.page_size
        top, right, bottom, left = self.margins
        canv.saveState()
        canv.setFillColor(colors.HexColor("#666666"))
        canv.setStrokeColor(GRID)
        self._draw(canv, left, height - top + 8 * mm, centre_name(), 8.5)
        self._draw(canv, width - right, height - top + 8 * mm, self.title, 8.5, "right")
        canv.line(left, height - top + 6.5 * mm, width - right, height - top + 6.5 * mm)
        canv.line(left, bottom - 6 * mm, width - right, bottom - 6 * mm)
        self._draw(canv, left, bottom - 10 * mm, f"生成时间：{cn_datetime(self.generated_at)}", 8.5)
        self._draw(canv, width - right, bottom - 10 * mm, f"第 {page} 页 共 {total} 页", 8.5, "right")
        canv.restoreState()

    # --- API ------------------------------------------------------------------------------------------
    def build_story(self, params) -> list:  # pragma: no cover - subclasses
        raise NotImplementedError

    def render(self, params=None) -> bytes:
        params = params or {}
        buf = io.BytesIO()
        top, right, bottom, left = self.margins
        doc = SimpleDocTemplate(
            buf, pagesize=self.page_size, topMargin=top, rightMargin=right, bottomMargin=bottom, leftMargin=left,
            title=self.title, author=centre_name(), creator="egov-ops", subject=self.subtitle or self.title,
        )
        story = self.title_block(params) + list(self.build_story(params))
        report = self

        class _Canvas(_NumberedCanvas):
            def __init__(self, *a, **kw):
                super().__init__(*a, report=report, **kw)

        doc.build(story, canvasmaker=_Canvas)
        return buf.getvalue()
