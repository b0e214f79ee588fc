# shellcheck shell=bash
# Shared helpers for scripts/start, scripts/test and scripts/bench. Source it; do not run it.
#
# Everything here is idempotent: a second run reuses the virtualenv, node_modules, egov.conf, the database and any
# private PostgreSQL/Redis started by a first run.

set -o pipefail

EGOV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export EGOV_ROOT
VENV="$EGOV_ROOT/.venv"
PY="$VENV/bin/python"
VAR="$EGOV_ROOT/var"
PRIVATE_PG_PORT="${EGOV_PRIVATE_PG_PORT:-55432}"
PRIVATE_REDIS_PORT="${EGOV_PRIVATE_REDIS_PORT:-56379}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

_hash() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }

# --- Debian packages ------------------------------------------------------------------------------------------
_APT_UPDATED=""
apt_install() {
    # apt_install <package>... : install the Debian packages that are missing (root only); apt-get update only
    # when a package cannot be found in the current lists.
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        warn "missing Debian packages: ${missing[*]} (run as root or install them: apt-get install ${missing[*]})"
        return 1
    fi
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$_APT_UPDATED" ] && ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        apt-get update -q >/dev/null && _APT_UPDATED=1
    fi
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# --- Python and Node ---------------------------------------------------------------------------------------------
ensure_venv() {
    # ensure_venv <requirements file>... : create .venv and pip-install the files when their hash changed.
    if [ ! -x "$PY" ]; then
        log "creating virtualenv .venv"
        python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; } \
            || die "cannot create the virtualenv (apt-get install python3-venv)"
    fi
    local files=() f
    for f in "$@"; do files+=("$EGOV_ROOT/$f"); done
    # requirements-dev.txt includes requirements.txt: hash both.
    local want stamp="$VENV/.egov-req-$(basename "${files[-1]}").sha256"
    want="$(_hash "$EGOV_ROOT/requirements.txt" "${files[@]}")"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "pip install ${*} (quiet)"
        "$PY" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
        local args=() ; for f in "${files[@]}"; do args+=(-r "$f"); done
        local src=()
        [ -d "$EGOV_ROOT/wheelhouse" ] && src=(--no-index --find-links "$EGOV_ROOT/wheelhouse")
        mkdir -p "$VAR/log"
        if ! "$PY" -m pip install -q --disable-pip-version-check "${src[@]}" "${args[@]}" >"$VAR/log/pip.log" 2>&1; then
            tail -n 30 "$VAR/log/pip.log" >&2
            die "pip install failed (full log: var/log/pip.log)"
        fi
        echo "$want" >"$stamp"
    fi
}

ensure_node_modules() {
    local want stamp="$EGOV_ROOT/node_modules/.egov-lock.sha256"
    want="$(_hash "$EGOV_ROOT/package-lock.json")"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        command -v npm >/dev/null || apt_install nodejs npm || die "npm is required (Node 20)"
        log "npm ci"
        if ! (cd "$EGOV_ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
            # Offline (closed network) with node_modules unpacked from a tarball: keep what is there.
            [ -d "$EGOV_ROOT/node_modules/@tabler/core" ] || die "npm ci failed"
            warn "npm ci failed; using the existing node_modules"
        fi
        echo "$want" >"$stamp"
    fi
}

ensure_conf() {
    # egov.conf for local use: generated SECRET_KEY, DEBUG on, encryption keys; service URLs left to discovery.
    local conf="$EGOV_ROOT/egov.conf"
    [ -f "$conf" ] && return 0
    log "writing egov.conf (local development: DEBUG on, generated keys)"
    "$PY" - "$EGOV_ROOT/egov.conf.example" "$conf" <<'PYEOF'
import re, secrets, sys
from cryptography.fernet import Fernet
src, dst = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
values = {
    "debug": "true",
    "secret_key": secrets.token_urlsafe(50),
    "allowed_hosts": "127.0.0.1,localhost,[::1]",
    "site_url": "http://127.0.0.1:8000",
    "field_encryption_keys": Fernet.generate_key().decode(),
    "field_hash_key": secrets.token_hex(32),
    "media_root": "var/media",
    "sc_capacity_api_token": secrets.token_urlsafe(32),
}
out = []
for line in text.splitlines():
    m = re.match(r"^(\w+)\s*=", line)
    if m and m.group(1) in values:
        line = f"{m.group(1)} = {values[m.group(1)]}"
    elif m and m.group(1) in ("database_url", "redis_url"):
        line = "; " + line + "   (found by scripts/start; set DATABASE_URL / REDIS_URL to override)"
    out.append(line)
open(dst, "w", encoding="utf-8").write("\n".join(out) + "\n")
PYEOF
    chmod 600 "$conf"
}

conf_value() {
    # conf_value <key> : the value of key in egov.conf ([egov] section), empty when absent/commented.
    [ -f "$EGOV_ROOT/egov.conf" ] || return 0
    sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$EGOV_ROOT/egov.conf" | tail -n1
}

# --- PostgreSQL ------------------------------------------------------------------------------------------------
_pg_answers() {
    # _pg_answers <url> : true when a PostgreSQL server accepts a connection (to the maintenance db).
    "$PY" - "$1" <<'PYEOF' >/dev/null 2>&1
import sys, psycopg
from urllib.parse import urlsplit, urlunsplit
u = urlsplit(sys.argv[1])
psycopg.connect(urlunsplit(u._replace(path="/postgres")), connect_timeout=3).close()
PYEOF
}

_pg_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
    return 1
}

_as_pg_owner() {
    # Run a PostgreSQL server binary as a non-root user (initdb/postgres refuse to run as root).
    if [ "$(id -u)" = 0 ]; then
        id egovpg >/dev/null 2>&1 || id postgres >/dev/null 2>&1 \
            || useradd --system --no-create-home --shell /usr/sbin/nologin egovpg
        local owner=postgres; id postgres >/dev/null 2>&1 || owner=egovpg
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

start_private_pg() {
    local bindir data="$VAR/pg/data" run="$VAR/pg/run"
    bindir="$(_pg_bindir)" || { apt_install postgresql && bindir="$(_pg_bindir)"; } \
        || die "no PostgreSQL found: set DATABASE_URL, start PostgreSQL on 127.0.0.1:5432 or install postgresql"
    mkdir -p "$VAR/pg" "$run"
    if [ "$(id -u)" = 0 ]; then
        local owner=postgres; id postgres >/dev/null 2>&1 || { id egovpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin egovpg; owner=egovpg; }
        chown -R "$owner" "$VAR/pg"
        chmod o+x "$VAR" "$EGOV_ROOT" 2>/dev/null || true
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initdb: private PostgreSQL cluster in var/pg (port $PRIVATE_PG_PORT)"
        _as_pg_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$VAR/pg/initdb.log" 2>&1 \
            || _as_pg_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$VAR/pg/initdb.log" 2>&1 \
            || die "initdb failed, see var/pg/initdb.log"
    fi
    if ! _as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        log "starting private PostgreSQL on 127.0.0.1:$PRIVATE_PG_PORT"
        _as_pg_owner "$bindir/pg_ctl" -D "$data" -l "$VAR/pg/server.log" -w -t 60 \
            -o "-p $PRIVATE_PG_PORT -k $run -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
            || die "PostgreSQL did not start, see var/pg/server.log"
    fi
}

stop_private_pg() {
    local bindir; bindir="$(_pg_bindir)" || return 0
    [ -f "$VAR/pg/data/PG_VERSION" ] && _as_pg_owner "$bindir/pg_ctl" -D "$VAR/pg/data" -m fast stop >/dev/null 2>&1 || true
}

ensure_postgres() {
    # Sets and exports DATABASE_URL. Order: $DATABASE_URL, egov.conf database_url, 127.0.0.1:5432, private cluster.
    local dbname="${1:-egov}" url
    if [ -n "${DATABASE_URL:-}" ]; then
        url="$DATABASE_URL"
    elif [ -n "$(conf_value database_url)" ]; then
        url="$(conf_value database_url)"
    elif [ -z "${EGOV_FORCE_PRIVATE_PG:-}" ] && _pg_answers "postgres://postgres@127.0.0.1:5432/postgres"; then
        url="postgres://postgres@127.0.0.1:5432/$dbname"
    else
        start_private_pg
        url="postgres://postgres@127.0.0.1:$PRIVATE_PG_PORT/$dbname"
    fi
    _pg_answers "$url" || die "PostgreSQL at ${url%%@*}@… does not answer"
    export DATABASE_URL="$url"
    log "PostgreSQL: ${url/:*@/:***@}"
}

ensure_database() {
    # Create the database named in DATABASE_URL when it is missing.
    "$PY" - "$DATABASE_URL" <<'PYEOF' || die "cannot create the database"
import sys, psycopg
from psycopg import sql
from urllib.parse import urlsplit, urlunsplit
u = urlsplit(sys.argv[1]); name = u.path.lstrip("/") or "egov"
with psycopg.connect(urlunsplit(u._replace(path="/postgres")), autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
        print(f"created database {name}", file=sys.stderr)
PYEOF
}

# --- Redis -------------------------------------------------------------------------------------------------
_redis_answers() {
    "$PY" - "$1" <<'PYEOF' >/dev/null 2>&1
import sys, redis
assert redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PYEOF
}

ensure_redis() {
    # Sets and exports REDIS_URL. Order: $REDIS_URL, egov.conf redis_url, 127.0.0.1:6379, private redis-server.
    local url
    if [ -n "${REDIS_URL:-}" ]; then
        url="$REDIS_URL"
    elif [ -n "$(conf_value redis_url)" ]; then
        url="$(conf_value redis_url)"
    elif [ -z "${EGOV_FORCE_PRIVATE_REDIS:-}" ] && _redis_answers "redis://127.0.0.1:6379/0"; then
        url="redis://127.0.0.1:6379/0"
    else
        url="redis://127.0.0.1:$PRIVATE_REDIS_PORT/0"
        if ! _redis_answers "$url"; then
            command -v redis-server >/dev/null || apt_install redis-server \
                || die "no Redis found: set REDIS_URL, start Redis on 127.0.0.1:6379 or install redis-server"
            mkdir -p "$VAR/redis"
            log "starting private Redis on 127.0.0.1:$PRIVATE_REDIS_PORT (var/redis)"
            redis-server --port "$PRIVATE_REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" --daemonize yes \
                --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log" --save 60 1000 >/dev/null \
                || die "redis-server did not start"
            local i; for i in $(seq 1 50); do _redis_answers "$url" && break; sleep 0.2; done
        fi
    fi
    _redis_answers "$url" || die "Redis at $url does not answer"
    export REDIS_URL="$url"
    log "Redis: $url"
}

stop_private_redis() {
    [ -f "$VAR/redis/redis.pid" ] && kill "$(cat "$VAR/redis/redis.pid")" 2>/dev/null || true
}

manage() { (cd "$EGOV_ROOT" && LOG_LEVEL="${EGOV_MANAGE_LOG_LEVEL:-WARNING}" "$PY" manage.py "$@"); }
