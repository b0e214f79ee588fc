#!/usr/bin/env bash
# Logical backup of egov-ops: pg_dump (custom format) + media files + checksums. See docs/operator/backup.md.
#   BACKUP_DIR (var/backups)  KEEP_DAYS (14)  DATABASE_URL / MEDIA_ROOT (else egov.conf)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
conf() { [ -f "${EGOV_CONF:-$ROOT/egov.conf}" ] && sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "${EGOV_CONF:-$ROOT/egov.conf}" | tail -n1 || true; }

DB_URL="${DATABASE_URL:-$(conf database_url)}"
DB_URL="${DB_URL:-postgres://postgres@127.0.0.1:5432/egov}"
MEDIA="${MEDIA_ROOT:-$(conf media_root)}"
MEDIA="${MEDIA:-$ROOT/var/media}"
case "$MEDIA" in /*) ;; *) MEDIA="$ROOT/$MEDIA" ;; esac
DEST_ROOT="${BACKUP_DIR:-$ROOT/var/backups}"
KEEP_DAYS="${KEEP_DAYS:-14}"
STAMP="$(date +%Y%m%d-%H%M%S)"
DEST="$DEST_ROOT/egov-$STAMP"

command -v pg_dump >/dev/null || { echo "pg_dump not found (apt-get install postgresql-client)" >&2; exit 1; }
mkdir -p "$DEST"
chmod 700 "$DEST_ROOT" "$DEST"
echo "database → $DEST/egov.dump"
pg_dump --format=custom --compress=6 --no-owner --file "$DEST/egov.dump" "$DB_URL"
if [ -d "$MEDIA" ]; then
    echo "media ($MEDIA) → $DEST/media.tar.gz"
    tar czf "$DEST/media.tar.gz" -C "$MEDIA" .
fi
(cd "$DEST" && sha256sum ./* >SHA256SUMS)
pg_restore --list "$DEST/egov.dump" >/dev/null   # the dump is readable
find "$DEST_ROOT" -maxdepth 1 -name 'egov-*' -type d -mtime +"$KEEP_DAYS" -exec rm -rf {} +
echo "backup complete: $DEST ($(du -sh "$DEST" | cut -f1))"
