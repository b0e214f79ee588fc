"""Chinese word segmentation with jieba, loaded once per process."""

from __future__ import annotations

import logging
import re
import threading

_lock = threading.Lock()
_ready = False
_SPLIT = re.compile(r"[\s\u3000]+")
# Characters that are never part of a token (punctuation, symbols; full- and half-width).
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def initialize() -> None:
    """Load the jieba dictionary now (called at start-up so no request pays for it)."""
    _jieba()


def tokens(text: str, *, for_search: bool = True) -> list[str]:
    """Segment ``text`` into lower-case tokens (cut_for_search: words plus their dictionary sub-words)."""
    if not text:
        return []
    jb = _jieba()
    cut = jb.cut_for_search if for_search else jb.cut
    out = []
    for tok in cut(text):
        tok = tok.strip().lower()
        if tok and not _PUNCT.match(tok):
            out.append(tok.replace("'", "").replace("\\", ""))
    return [t for t in out if t]


def segment(text: str) -> str:
    """Space-separated tokens for ``to_tsvector('simple', ...)``."""
    return " ".join(tokens(text))
