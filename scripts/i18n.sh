#!/usr/bin/env bash
# Regenerate and compile the translation catalogues (zh-hans is the source language; English in locale/en).
#   scripts/i18n.sh            update locale/en/LC_MESSAGES/django.po and djangojs.po, then compile
#   scripts/i18n.sh --compile  only compile the .po files to .mo
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
IGNORE=(--ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=var --ignore=docs --ignore=tests/e2e)
if [[ "${1:-}" != "--compile" ]]; then
  "$PY" manage.py makemessages -l en --no-obsolete "${IGNORE[@]}"
  "$PY" manage.py makemessages -d djangojs -l en --no-obsolete "${IGNORE[@]}" --ignore=egov/static/vendor || true
fi
"$PY" manage.py compilemessages -l en --ignore=.venv --ignore=node_modules
