#!/usr/bin/env python
"""Gate: models and migration files agree for every project app (egov_base and the addons in EGOV_ADDONS).

``manage.py makemigrations --check`` without app labels silently ignores apps that have no migrations package
yet, so the project apps are named explicitly. Exit 1 when a migration would be created."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "addons")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402

labels = [a.label for a in apps.get_app_configs() if Path(a.path).resolve().is_relative_to(ROOT / "addons")]
print("apps:", ", ".join(labels))
try:
    call_command("makemigrations", *labels, check=True, dry_run=True, verbosity=1)
except SystemExit as exc:
    sys.exit(exc.code)
