"""Real-type validation of uploads: the content decides, the extension must agree, dangerous types are
refused, and each purpose has an allow-list and an optional size limit and encryption flag."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192

# kind -> (mime type, accepted extensions)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", ("pdf",)),
    "png": ("image/png", ("png",)),
    "jpg": ("image/jpeg", ("jpg", "jpeg")),
    "gif": ("image/gif", ("gif",)),
    "webp": ("image/webp", ("webp",)),
    "ole": ("application/x-ole-storage", ("doc", "xls", "ppt", "wps", "et", "dps")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx", "wps", "zip")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx", "et", "zip")),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx", "dps", "zip")),
    "ofd": ("application/ofd", ("ofd", "zip")),
    "zip": ("application/zip", ("zip",)),
    "rar": ("application/vnd.rar", ("rar",)),
    "7z": ("application/x-7z-compressed", ("7z",)),
    "text": ("text/plain", ("txt", "csv")),
}
EXT_MIME = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
            "wps": "application/vnd.ms-works", "et": "application/vnd.ms-excel", "csv": "text/csv"}

GROUPS = {
    "office": {"ole", "docx", "xlsx", "pptx"},
    "pdf": {"pdf"},
    "image": {"png", "jpg", "gif", "webp"},
    "archive": {"zip", "rar", "7z"},
    "text": {"text"},
    "ofd": {"ofd"},
}
ALL_SAFE = set().union(*GROUPS.values())


@dataclass(frozen=True)
class Purpose:
    key: str
    label: str
    kinds: frozenset = field(default_factory=lambda: frozenset(ALL_SAFE))
    max_mb: int | None = None
    encrypt: bool | None = None  # None: settings.FILE_ENCRYPT_DEFAULT


_PURPOSES: dict[str, Purpose] = {}


def register_purpose(key: str, label, *, groups=None, kinds=None, max_mb: int | None = None, encrypt: bool | None = None):
    """Declare an attachment purpose (``register_purpose("contract", _("合同"), groups=["office", "pdf"],
    encrypt=True)``). ``groups`` from office/pdf/image/archive/text/ofd, or explicit ``kinds``."""
    allowed = set(kinds or ())
    for g in groups or ():
        allowed |= GROUPS[g]
    _PURPOSES[key] = Purpose(key, label, frozenset(allowed or ALL_SAFE), max_mb, encrypt)
    return _PURPOSES[key]


def get_purpose(key: str) -> Purpose:
    return _PURPOSES.get(key or "") or _PURPOSES[""]


def purposes() -> list[Purpose]:
    return list(_PURPOSES.values())


register_purpose("", _("附件"))


@dataclass
class Detected:
    kind: str
    mime_type: str
    extension: str


def _refuse(message, code):
    raise ValidationError(message, code=code)


_BINARY_CONTAINERS = (
    b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8",
    b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b",
)


def _dangerous(head: bytes) -> str | None:
    if head.startswith(b"\x7fELF"):
        return "elf"
    if head.startswith(b"MZ"):
        return "pe"
    if head[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return "macho"
    if head.startswith(b"#!"):
        return "script"
    if head.startswith(_BINARY_CONTAINERS):
        # Compressed / binary containers (Office zip and OLE, PDF, images, archives): markup-looking bytes inside
        # them are compressed data, not a web page; their inner parts are checked by their own kind (_zip_kind).
        return None
    lowered = head[:4096].lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    for marker in (b"<script", b"<html", b"<!doctype html", b"<svg", b"<?php", b"<%", b"javascript:", b"<iframe"):
        if marker in lowered:
            return "html"
    return None


def _zip_kind(fileobj) -> str:
    try:
        with zipfile.ZipFile(fileobj) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(_("压缩文件已损坏或格式不正确。"), "bad_zip")
    finally:
        fileobj.seek(0)
    for name in names:
        base = os.path.basename(name).lower()
        if base.endswith((".exe", ".dll", ".bat", ".cmd", ".vbs", ".js", ".ps1", ".scr", ".msi", ".jar", ".sh", ".com")):
            _refuse(_("压缩包内含可执行文件或脚本（%(name)s），已拒绝上传。") % {"name": name}, "zip_exec")
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            return "pptx"
    if "OFD.xml" in names or "ofd.xml" in {n.lower() for n in names}:
        return "ofd"
    return "zip"


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            # the head may cut a multi-byte character at its end
            data.decode(enc) if len(data) < HEAD_BYTES else data[:-4].decode(enc)
            return True
        except UnicodeDecodeError:
            continue
    return False


def detect(fileobj) -> Detected:
    """Detect the real kind of an uploaded file from its content (``filetype`` on the first bytes, zip
    inspection for Office/OFD, a text check for TXT/CSV). Raises ValidationError for dangerous or unknown
    content."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if not head:
        _refuse(_("文件为空，请选择有内容的文件。"), "empty")
    danger = _dangerous(head)
    if danger:
        _refuse(_("出于安全原因，不允许上传可执行程序、脚本或网页文件（含 SVG）。"), "dangerous")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Detected("ole", KINDS["ole"][0], "")
    guess = filetype.guess(head)
    ext = guess.extension if guess else ""
    if ext == "zip" or head.startswith(b"PK\x03\x04") or ext in ("docx", "xlsx", "pptx"):
        kind = _zip_kind(fileobj)
        return Detected(kind, KINDS[kind][0], "")
    mapping = {"pdf": "pdf", "png": "png", "jpg": "jpg", "gif": "gif", "webp": "webp", "rar": "rar", "7z": "7z"}
    if ext in mapping:
        kind = mapping[ext]
        return Detected(kind, KINDS[kind][0], ext)
    if guess is None and _is_text(head):
        return Detected("text", "text/plain", "")
    _refuse(_("不支持的文件类型，请上传 Office 文档、PDF、OFD、图片、压缩包或文本文件。"), "unsupported")


def validate_upload(fileobj, name: str, *, purpose: str = "") -> Detected:
    """Validate size, real type, extension agreement and the purpose's allow-list. Returns the detection."""
    spec = get_purpose(purpose)
    max_mb = spec.max_mb or settings.FILE_UPLOAD_MAX_MB
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    if size > max_mb * 1024 * 1024:
        _refuse(_("文件过大：%(size).1f MB，超过上限 %(max)d MB。") % {"size": size / 1048576, "max": max_mb}, "too_large")
    base = os.path.basename(name or "")
    if not base or "." not in base:
        _refuse(_("文件名缺少扩展名，无法确认文件类型。"), "no_extension")
    ext = base.rsplit(".", 1)[1].lower()
    detected = detect(fileobj)
    mime, exts = KINDS[detected.kind]
    if ext not in exts:
        _refuse(
            _("文件扩展名 .%(ext)s 与实际内容（%(kind)s）不符，请勿修改扩展名后上传。") % {"ext": ext, "kind": detected.kind.upper()},
            "extension_mismatch",
        )
    if detected.kind not in spec.kinds:
        _refuse(_("“%(purpose)s”不允许上传该类型的文件（.%(ext)s）。") % {"purpose": spec.label, "ext": ext}, "not_allowed")
    detected.extension = ext
    if detected.kind in ("ole", "text"):
        detected.mime_type = EXT_MIME.get(ext, mime)
    return detected
