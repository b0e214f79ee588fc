"""Allow-list HTML sanitiser for article bodies (no scripts, no event handlers, no javascript: URLs) and a
Markdown-lite converter for plain-text input. Standard library only."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "strong", "b", "em", "i", "u", "s", "blockquote", "pre", "code",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "span", "div", "sub", "sup",
}
VOID_TAGS = {"br", "hr", "img"}
ALLOWED_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
_SAFE_URL = re.compile(r"^(https?://|/|#|mailto:|data:image/(png|jpeg|gif|webp);)", re.I)


class _Sanitizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag in DROP_CONTENT:
            self.skip += 1
            return
        if self.skip or tag not in ALLOWED_TAGS:
            return
        parts = [tag]
        for name, value in attrs:
            name = name.lower()
            if name not in ALLOWED_ATTRS.get(tag, set()):
                continue
            value = (value or "").strip()
            if name in ("href", "src") and not _SAFE_URL.match(re.sub(r"[\s\x00-\x1f]", "", value)):
                continue
            parts.append(f'{name}="{escape(value, quote=True)}"')
        if tag == "a":
            parts.append('rel="noopener noreferrer"')
        self.out.append("<" + " ".join(parts) + ">")
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() not in VOID_TAGS and self.stack and self.stack[-1] == tag.lower():
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag in DROP_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in ALLOWED_TAGS or tag in VOID_TAGS or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.skip:
            self.out.append(escape(data, quote=False))

    def close(self):
        super().close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out)


def sanitize_html(html: str) -> str:
    parser = _Sanitizer()
    parser.feed(html or "")
    return parser.close()


_HTML_HINT = re.compile(r"<\s*(p|div|br|h[1-6]|ul|ol|li|table|strong|em|b|i|u|a|img|span|pre|code|blockquote)\b", re.I)


_BULLET = re.compile(r"^\s*[-*]\s+")
_NUMBER = re.compile(r"^\s*\d+[.、]\s*")


def markdown_lite(text: str) -> str:
    """Headings (#), bullet lists (- ), numbered lists (1. ), **bold**, blank-line paragraphs."""
    blocks, out = re.split(r"\n\s*\n", (text or "").strip()), []
    for block in blocks:
        lines = [ln.rstrip() for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(re.match(r"^\s*[-*]\s+", ln) for ln in lines):
            out.append("<ul>" + "".join("<li>" + _inline(_BULLET.sub("", ln)) + "</li>" for ln in lines) + "</ul>")
        elif all(re.match(r"^\s*\d+[.、]\s*", ln) for ln in lines):
            out.append("<ol>" + "".join("<li>" + _inline(_NUMBER.sub("", ln)) + "</li>" for ln in lines) + "</ol>")
        elif len(lines) == 1 and re.match(r"^#{1,4}\s+", lines[0]):
            level = min(5, len(lines[0].split(" ", 1)[0]) + 1)
            out.append(f"<h{level}>{_inline(lines[0].split(' ', 1)[1])}</h{level}>")
        else:
            out.append("<p>" + "<br>".join(_inline(ln) for ln in lines) + "</p>")
    return "".join(out)


def _inline(text: str) -> str:
    text = escape(text, quote=False)
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)


def clean_body(body: str) -> str:
    """HTML input is sanitised; plain text is converted with Markdown-lite."""
    body = body or ""
    if _HTML_HINT.search(body):
        return sanitize_html(body)
    return markdown_lite(body)
