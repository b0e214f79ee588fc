"""ExcelReport: xlsxwriter workbooks with a title row, header format, column widths, Chinese number and date
formats, frozen header, autofilter and constant_memory (rows streamed to disk, so big sheets stay small in
memory). Subclasses set ``columns`` and implement ``rows(params)`` (a generator), or override
``sheets(params)`` for several sheets."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass

import xlsxwriter

from .base import BaseReport, centre_name, cn_datetime


@dataclass
class Column:
    header: str
    width: float = 16
    kind: str = "text"  # text / int / number / money / percent / date / datetime


@dataclass
class Sheet:
    name: str
    columns: list
    rows: object  # iterable of sequences
    title: str | None = None


class ExcelReport(BaseReport):
    format = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    title = "报表"
    columns: list = []

    def rows(self, params):  # pragma: no cover - subclasses
        return iter(())

    def sheets(self, params):
        """Yield ``Sheet`` objects; the default is one sheet from ``columns`` and ``rows(params)``."""
        yield Sheet(self.title[:31], [c if isinstance(c, Column) else Column(*c) for c in self.columns], self.rows(params))

    def _formats(self, wb):
        base = {"font_name": "宋体", "font_size": 10.5, "valign": "vcenter"}
        return {
            "title": wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
            "meta": wb.add_format({**base, "font_color": "#666666", "align": "center"}),
            "header": wb.add_format({**base, "bold": True, "bg_color": "#E8EEFC", "border": 1, "align": "center", "text_wrap": True}),
            "text": wb.add_format({**base, "border": 1, "text_wrap": True}),
            "int": wb.add_format({**base, "border": 1, "num_format": "#,##0"}),
            "number": wb.add_format({**base, "border": 1, "num_format": "#,##0.00"}),
            "money": wb.add_format({**base, "border": 1, "num_format": '"¥"#,##0.00'}),
            "percent": wb.add_format({**base, "border": 1, "num_format": "0.00%"}),
            "date": wb.add_format({**base, "border": 1, "num_format": 'yyyy"年"m"月"d"日"'}),
            "datetime": wb.add_format({**base, "border": 1, "num_format": 'yyyy"年"m"月"d"日" hh:mm'}),
        }

    def _write_sheet(self, wb, fmts, sheet: Sheet) -> None:
        ws = wb.add_worksheet(sheet.name[:31])
        cols = sheet.columns
        last_col = max(len(cols) - 1, 0)
        for i, col in enumerate(cols):
            ws.set_column(i, i, col.width)
        # row 0: title, row 1: centre + time, row 3: header
        title = sheet.title or self.title
        if last_col:
            ws.merge_range(0, 0, 0, last_col, title, fmts["title"])
            ws.merge_range(1, 0, 1, last_col, f"{centre_name()}    生成时间：{cn_datetime(self.generated_at)}", fmts["meta"])
        else:
            ws.write(0, 0, title, fmts["title"])
            ws.write(1, 0, f"{centre_name()}  {cn_datetime(self.generated_at)}", fmts["meta"])
        ws.set_row(0, 28)
        header_row = 3
        for i, col in enumerate(cols):
            ws.write(header_row, i, col.header, fmts["header"])
        r = header_row
        for row in sheet.rows:
            r += 1
            for i, value in enumerate(row):
                kind = cols[i].kind if i < len(cols) else "text"
                fmt = fmts.get(kind, fmts["text"])
                if value is None:
                    ws.write_blank(r, i, None, fmt)
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(r, i, value.replace(tzinfo=None), fmts["datetime"])
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, i, dt.datetime.combine(value, dt.time()), fmts["date"])
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, i, value, fmt if kind != "text" else fmts["number"])
                else:
                    ws.write_string(r, i, str(value), fmt)
        ws.freeze_panes(header_row + 1, 0)
        ws.autofilter(header_row, 0, max(r, header_row), last_col)

    def render(self, params=None) -> bytes:
        params = params or {}
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
            wb.set_properties({"title": self.title, "author": centre_name(), "company": centre_name()})
            fmts = self._formats(wb)
            for sheet in self.sheets(params):
                self._write_sheet(wb, fmts, sheet)
            wb.close()
            with open(path, "rb") as fh:
                return fh.read()
        finally:
            os.unlink(path)
