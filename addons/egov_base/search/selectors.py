"""Search queries: jieba-segmented tsquery, ts_rank ordering, data-scope and permission filters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..scope import scope_q
from .models import SearchDocument
from .registry import registered
from .segment import tokens

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_QUERY = 100


def _lexeme(t: str) -> str:
    return "'" + t.replace("'", "").replace("\\", "") + "'"


def build_tsquery(q: str) -> tuple[str, list[str]]:
    """A ``to_tsquery('simple', ...)`` string for the user's query, and the words for highlighting.

    Each jieba word matches either as an indexed word or as the exact character sequence
    (``'行政审批' | '行' <-> '政' <-> '审' <-> '批'``), so a query word jieba cuts differently from the
    document still finds it; latin words and codes match by prefix. Words are AND-ed; a leading ``-``
    excludes a word."""
    q = (q or "").strip()[:MAX_QUERY]
    parts, words = [], []
    for raw in q.split():
        negate = raw.startswith("-") and len(raw) > 1
        if negate:
            raw = raw[1:]
        for w in tokens(raw, for_search=False):
            if _CJK.search(w):
                chars = _CJK.findall(w)
                alts = [_lexeme(w)]
                if len(chars) > 1 and len(chars) == len(w):
                    alts.append("(" + " <-> ".join(_lexeme(c) for c in chars) + ")")
                elif len(chars) == 1 and chars[0] != w:
                    alts.append(_lexeme(chars[0]))
                term = "(" + " | ".join(alts) + ")"
            else:
                term = _lexeme(w) + ":*"
            parts.append(("!" if negate else "") + term)
            if not negate:
                words.append(w)
    return " & ".join(parts), words


def allowed_content_types(user) -> list[int]:
    """Content types of registered models the user may view (model view permission)."""
    ids = []
    for spec in registered():
        if user.is_superuser or user.has_perm(spec.view_permission):
            ids.append(ContentType.objects.get_for_model(spec.model, for_concrete_model=False).pk)
    return ids


def visible_documents(user):
    """SearchDocuments ``user`` may see: data scope on organisation/owner (like egov_base.scope), global
    documents for every signed-in user, and only models the user has view permission for."""
    if user is None or not getattr(user, "is_authenticated", False):
        return SearchDocument.objects.none()
    qs = SearchDocument.objects.filter(content_type_id__in=allowed_content_types(user))
    q = scope_q(SearchDocument, user)
    if q is not None:
        qs = qs.filter(q | Q(is_global=True))
    return qs


@dataclass
class SearchResult:
    query: str
    tsquery: str
    words: list
    queryset: object  # ranked documents (lazy)
    categories: list  # [(category, count)]
    total: int


def search(*, user, q: str, category: str | None = None) -> SearchResult:
    tsq, words = build_tsquery(q)
    if not tsq:
        empty = SearchDocument.objects.none()
        return SearchResult(q, "", [], empty, [], 0)
    # "vector @@ query" is answered by the GIN index.
    base = visible_documents(user).extra(where=["egov_base_searchdocument.vector @@ to_tsquery('simple', %s)"], params=[tsq])
    cats = list(base.order_by().values("category").annotate(n=Count("id")).order_by("-n", "category"))
    categories = [(c["category"], c["n"]) for c in cats]
    total = sum(n for _c, n in categories)
    qs = base
    if category:
        qs = qs.filter(category=category)
    qs = qs.annotate(rank=RawSQL("ts_rank(egov_base_searchdocument.vector, to_tsquery('simple', %s))", [tsq]))
    qs = qs.order_by(F("rank").desc(), "-updated_at").select_related("organization", "content_type")
    return SearchResult(q, tsq, words, qs, categories, total)


def highlight(text: str, words: list[str], *, width: int = 120) -> str:
    """An HTML snippet of ``text`` around the first matched word, matches wrapped in <mark> (escaped)."""
    text = text or ""
    if not text:
        return ""
    lowered = text.lower()
    first = min((i for i in (lowered.find(w.lower()) for w in words if w) if i >= 0), default=-1)
    start = max(0, first - width // 3) if first >= 0 else 0
    snippet = text[start:start + width]
    out = escape(snippet)
    for w in sorted({w for w in words if w}, key=len, reverse=True):
        pattern = re.compile(re.escape(escape(w)), re.IGNORECASE)
        out = pattern.sub(lambda m: f"\x00{m.group(0)}\x01", out)
    out = out.replace("\x00", "<mark>").replace("\x01", "</mark>")
    # nested marks from overlapping words collapse harmlessly in browsers
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + out + suffix)
