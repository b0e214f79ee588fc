"""Keyword matching of proposal text against the tag vocabulary (jieba segmentation + phrase containment)."""

from __future__ import annotations

import threading

_lock = threading.Lock()
_loaded_words: set[str] = set()


def _ensure_words(words):
    import jieba

    new = [w for w in words if w not in _loaded_words]
    if not new:
        return
    with _lock:
        for w in new:
            jieba.add_word(w, freq=20000)
            _loaded_words.add(w)


def match(text: str, tags) -> dict:
    """``{tag: [matched keywords]}`` for each tag whose keyword is a segmented token of ``text`` (or, for
    multi-token phrases, a substring)."""
    import jieba

    tags = list(tags)
    _ensure_words({k for t in tags for k in t.keyword_list})
    tokens = set(jieba.lcut(text or ""))
    out = {}
    for tag in tags:
        hits = [k for k in tag.keyword_list if k in tokens or (len(k) >= 4 and k in text)]
        if hits:
            out[tag] = hits
    return out
