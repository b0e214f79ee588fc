"""One configuration file (``egov.conf``, INI like odoo.conf) with environment variables overriding it.

Lookup order for a key ``name``: environment variable ``NAME`` (upper case), then ``[egov] name`` in the file
named by ``EGOV_CONF`` (default: ``egov.conf`` in the project root), then the default given by the caller.
Secrets belong in the file or the environment, never in code.
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

_parser = configparser.ConfigParser(interpolation=None)
_conf_path = Path(os.environ.get("EGOV_CONF", BASE_DIR / "egov.conf"))
if _conf_path.exists():
    _parser.read(_conf_path, encoding="utf-8")

_TRUE = {"1", "true", "yes", "on"}


def get(name: str, default: str | None = None) -> str | None:
    env = os.environ.get(name.upper())
    if env is not None:
        return env
    if _parser.has_option("egov", name.lower()):
        return _parser.get("egov", name.lower())
    return default


def get_bool(name: str, default: bool = False) -> bool:
    value = get(name)
    if value is None:
        return default
    return value.strip().lower() in _TRUE


def get_int(name: str, default: int) -> int:
    value = get(name)
    return int(value) if value not in (None, "") else default


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    value = get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def conf_path() -> Path:
    return _conf_path
