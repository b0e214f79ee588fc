"""The CJK TrueType font embedded in every PDF (settings.PDF_CJK_FONT_PATHS, first existing path)."""

from __future__ import annotations

import os
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FONT_NAME = "EgovCJK"
_lock = threading.Lock()
_registered: str | None = None


def register_cjk_font() -> str:
    """Register the CJK font with reportlab once per process; return its name. ``.ttc`` collections use
    sub-font 0. Raises ImproperlyConfigured with a clear message when no configured font exists."""
    global _registered
    if _registered:
        return _registered
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    with _lock:
        if _registered:
            return _registered
        tried = []
        for path in getattr(settings, "PDF_CJK_FONT_PATHS", []):
            if not path or not os.path.exists(path):
                tried.append(path)
                continue
            try:
                if path.lower().endswith(".ttc"):
                    font = TTFont(FONT_NAME, path, subfontIndex=0)
                else:
                    font = TTFont(FONT_NAME, path)
            except TTFError as exc:  # e.g. a CFF-based OpenType collection reportlab cannot embed
                tried.append(f"{path} ({exc})")
                continue
            pdfmetrics.registerFont(font)
            # bold/italic map to the same face (CJK fonts rarely ship them)
            from reportlab.lib.fonts import addMapping

            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT_NAME, bold, italic, FONT_NAME)
            _registered = FONT_NAME
            return _registered
        raise ImproperlyConfigured(
            "未找到可嵌入 PDF 的中文 TrueType 字体，请在 egov.conf 的 PDF_CJK_FONT_PATHS 中配置（例如 "
            "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf 或 wqy-zenhei.ttc）。已尝试："
            + "; ".join(str(t) for t in tried)
        )


# --- fallback for characters the CJK font lacks (DroidSansFallback has no Latin letters or digits) ----------
LATIN_FONT_NAME = "EgovLatin"
LATIN_FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
]
_latin: str | None = None
_cmap: set[int] | None = None


def register_latin_font() -> str | None:
    """A Latin TrueType font for characters missing from the CJK font (settings.PDF_LATIN_FONT_PATHS or
    DejaVu/Liberation). None when the CJK font covers everything we need or no font is found."""
    global _latin
    if _latin is not None:
        return _latin or None
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for path in list(getattr(settings, "PDF_LATIN_FONT_PATHS", [])) + LATIN_FONT_PATHS:
        if path and os.path.exists(path):
            try:
                pdfmetrics.registerFont(TTFont(LATIN_FONT_NAME, path))
            except TTFError:
                continue
            _latin = LATIN_FONT_NAME
            return _latin
    _latin = ""
    return None


def cjk_coverage() -> set[int]:
    global _cmap
    if _cmap is None:
        from reportlab.pdfbase import pdfmetrics

        font = pdfmetrics.getFont(register_cjk_font())
        _cmap = set(getattr(font.face, "charToGlyph", {}).keys())
    return _cmap


def split_runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, run) so characters missing from the CJK font use the Latin font."""
    cjk = register_cjk_font()
    latin = register_latin_font()
    if not text:
        return []
    if latin is None:
        return [(cjk, text)]
    cover = cjk_coverage()
    runs: list[tuple[str, str]] = []
    for ch in text:
        name = cjk if (ord(ch) in cover or ch in "\n\t") else latin
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + ch)
        else:
            runs.append((name, ch))
    return runs
