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
    from reportlab.pdfbase.ttfonts import TTFont, TTFError

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
