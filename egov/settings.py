"""Django settings for egov-ops. Every deployment-specific value comes from egov.conf or the environment
(see egov/config.py and egov.conf.example)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta

import dj_database_url

from . import config
from .config import BASE_DIR

ADDONS_DIR = BASE_DIR / "addons"
if str(ADDONS_DIR) not in sys.path:
    sys.path.insert(0, str(ADDONS_DIR))

TESTING = "pytest" in sys.modules or config.get_bool("EGOV_TESTING")

DEBUG = config.get_bool("DEBUG", False)
SECRET_KEY = config.get("SECRET_KEY") or ("insecure-dev-key-change-me" if (DEBUG or TESTING) else None)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set in egov.conf or the environment")

ALLOWED_HOSTS = config.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = config.get_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = config.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets served locally (audit/api area)
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "mozilla_django_oidc",
    "egov_base",
]
# Domain apps (each lives under addons/). Default: every app present under addons/, in dependency order (so demo
# data of a lower app loads before a higher one's); `EGOV_ADDONS = a, b` in egov.conf (or the env var) picks some.
ADDON_ORDER = ["egov_cmdb", "egov_service_catalog", "egov_expert_pool", "egov_helpdesk", "egov_monitoring_bridge",
               "egov_project_review", "egov_perf_eval", "egov_cockpit"]
_present_addons = [a for a in ADDON_ORDER if (BASE_DIR / "addons" / a / "apps.py").exists()]
EGOV_ADDONS = [name for name in config.get_list("EGOV_ADDONS", []) if name] or _present_addons
INSTALLED_APPS += EGOV_ADDONS
if TESTING:
    # A real OIDC provider for the single-sign-on tests (tests/oidc_provider).
    INSTALLED_APPS += ["oauth2_provider"]
    # A small app with an FSM model for the workflow/inbox tests (tests/testapp).
    INSTALLED_APPS += ["tests.testapp"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "egov_base.audit.middleware.AuditContextMiddleware",
    "egov_base.security.middleware.SecurityBaselineMiddleware",
    # axes must be last (its docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "egov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egov_base.ui.context_processors.shell",
            ],
        },
    }
]

# --- database and cache -------------------------------------------------------------------------
DATABASE_URL = config.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/egov")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=config.get_int("DB_CONN_MAX_AGE", 60))}
DATABASES["default"]["TEST"] = {"NAME": config.get("EGOV_TEST_DB", "test_egov")}
DATABASES["default"].setdefault("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Tests: one prefix per test database and pytest-xdist worker, so parallel runs never share cache keys.
        "KEY_PREFIX": config.get("CACHE_PREFIX", DATABASES["default"]["NAME"])
        if not TESTING
        else "t-{}-{}".format(DATABASES["default"]["TEST"]["NAME"], os.environ.get("PYTEST_XDIST_WORKER", "main")),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}
# Sessions live in Redis: the idle timeout renews them on every request, which must not cost a database write.
# Production runs Redis with persistence and Sentinel (docs/operator/scale-out.md).
SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# --- auth and security baseline (等保 2.0 level 3) -------------------------------------------------
AUTH_USER_MODEL = "egov_base.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "egov_base.auth.oidc.EgovOIDCBackend",
]
LOGIN_URL = "egov_base:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "egov_base:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "egov_base.security.validators.ComplexityValidator"},
    {"NAME": "egov_base.security.validators.PasswordHistoryValidator"},
]
# Password history (no reuse of the last N) and expiry (must change after N days; 0 = never).
PASSWORD_HISTORY_COUNT = config.get_int("PASSWORD_HISTORY_COUNT", 5)
PASSWORD_EXPIRY_DAYS = config.get_int("PASSWORD_EXPIRY_DAYS", 90)
# Audit: record every /api/v1/ call (one INSERT per call); trust X-Forwarded-For only behind our own proxy.
AUDIT_API_CALLS = config.get_bool("AUDIT_API_CALLS", True)
AUDIT_TRUST_X_FORWARDED_FOR = config.get_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)
SESSION_COOKIE_AGE = config.get_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: the age counts from the last request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL = config.get_bool("SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"

AXES_FAILURE_LIMIT = config.get_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=config.get_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "egov_base/auth/locked.html"
AXES_ENABLED = True
AXES_LOCKOUT_CALLABLE = "egov_base.security.lockout.lockout_response"  # Chinese page, JSON for /api/
# Only trust X-Forwarded-For behind our own proxy (else a client could dodge the IP lockout by forging it).
AXES_IPWARE_META_PRECEDENCE_ORDER = (["HTTP_X_FORWARDED_FOR"] if AUDIT_TRUST_X_FORWARDED_FOR else []) + ["REMOTE_ADDR"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'"],  # Alpine.js evaluates expressions
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"] + config.get_list("OIDC_FORM_ACTION_HOSTS", []),
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# OIDC single sign-on (统一身份认证平台). Enabled when OIDC_RP_CLIENT_ID is configured.
OIDC_ENABLED = bool(config.get("OIDC_RP_CLIENT_ID"))
OIDC_RP_CLIENT_ID = config.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = config.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = config.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = config.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = config.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = config.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = config.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SCOPES = config.get("OIDC_RP_SCOPES", "openid email profile phone")
OIDC_CREATE_USER = config.get_bool("OIDC_CREATE_USER", False)
OIDC_VERIFY_SSL = config.get_bool("OIDC_VERIFY_SSL", True)
OIDC_USE_PKCE = config.get_bool("OIDC_USE_PKCE", True)
OIDC_OP_ISSUER = config.get("OIDC_OP_ISSUER", "")  # stored with linked identities
OIDC_MATCH_BY = config.get_list("OIDC_MATCH_BY", ["username", "phone"])  # after the stored subject

# Encryption at rest (ID-card numbers, encrypted attachments). Comma-separated Fernet keys; the first one
# encrypts, all decrypt (key rotation). HMAC key for exact-match lookups of encrypted values.
FIELD_ENCRYPTION_KEYS = config.get_list("FIELD_ENCRYPTION_KEYS", [])
FIELD_HASH_KEY = config.get("FIELD_HASH_KEY", "")

# --- i18n ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = config.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"

# --- static and media -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "egov" / "static"]
# Front-end packages installed by npm (package.json + package-lock.json), served locally, never from a CDN.
_NODE = BASE_DIR / "node_modules"
for _prefix, _path in [
    ("vendor/tabler/css", _NODE / "@tabler" / "core" / "dist" / "css"),
    ("vendor/tabler/js", _NODE / "@tabler" / "core" / "dist" / "js"),
    ("vendor/tabler/img", _NODE / "@tabler" / "core" / "dist" / "img"),
    ("vendor/tabler-icons", _NODE / "@tabler" / "icons-webfont" / "dist"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/alpinejs", _NODE / "alpinejs" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
    ("vendor/sortablejs", _NODE / "sortablejs"),
    ("vendor/form-js", _NODE / "@bpmn-io" / "form-js" / "dist"),  # form designer + viewer (service catalog)
    ("vendor/vis-network", _NODE / "vis-network" / "standalone" / "umd"),  # CMDB topology
    ("vendor/docx-preview", _NODE / "docx-preview" / "dist"),  # Word in the browser (project review)
    ("vendor/jszip", _NODE / "jszip" / "dist"),  # needed by docx-preview
]:
    if _path.exists():
        STATICFILES_DIRS.append((_prefix, _path))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = config.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
FILE_UPLOAD_MAX_MB = config.get_int("FILE_UPLOAD_MAX_MB", 50)
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MB * 1024 * 1024
# Encrypt attachments at rest unless their purpose says otherwise (egov_base.files).
FILE_ENCRYPT_DEFAULT = config.get_bool("FILE_ENCRYPT_DEFAULT", False)

# --- REST API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # token first: its WWW-Authenticate header makes bad credentials a 401 (not 403)
        "egov_base.api.authentication.SystemTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["egov_base.api.permissions.EgovModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "egov_base.api.pagination.EgovPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "egov_base.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "egov-ops API",
    "DESCRIPTION": "政务“云、网、数、端”统一运营管理平台 接口 /api/v1/",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"DataScopeEnum": "egov_base.scope.DataScope.CHOICES"},
}
# Choice sets whose field names collide across apps get explicit schema names (only for installed apps).
for _app, _enums in {
    "egov_service_catalog": {"CapacityLevelEnum": "egov_service_catalog.models.resources.Level",
                             "SubscriptionStateEnum": "egov_service_catalog.models.requests.Subscription.State"},
    "egov_cmdb": {"CiRunStatusEnum": "egov_cmdb.models.RunStatus"},
}.items():
    if _app in EGOV_ADDONS:
        SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(_enums)
# security.W019: X-Frame-Options stays SAMEORIGIN (with CSP frame-ancestors 'self') because our own pages
# embed previews of our own documents in frames; see docs/operator/security.md.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# --- Celery ------------------------------------------------------------------------------------------
CELERY_BROKER_URL = config.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = config.get_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- mail, SMS, DingTalk -------------------------------------------------------------------------------
EMAIL_HOST = config.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = config.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = config.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = config.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = config.get_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = config.get_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = config.get_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = config.get("DEFAULT_FROM_EMAIL", "egov-ops <noreply@cddc.chengdu.gov.cn>")
SMS_API_URL = config.get("SMS_API_URL", "")
SMS_API_KEY = config.get("SMS_API_KEY", "")
SMS_API_SECRET = config.get("SMS_API_SECRET", "")
SMS_SIGN = config.get("SMS_SIGN", "成都市大数据中心")
DINGTALK_API_URL = config.get("DINGTALK_API_URL", "")
DINGTALK_APP_KEY = config.get("DINGTALK_APP_KEY", "")
DINGTALK_APP_SECRET = config.get("DINGTALK_APP_SECRET", "")
DINGTALK_AGENT_ID = config.get("DINGTALK_AGENT_ID", "")
DINGTALK_ROBOT_WEBHOOK = config.get("DINGTALK_ROBOT_WEBHOOK", "")
DINGTALK_ROBOT_SECRET = config.get("DINGTALK_ROBOT_SECRET", "")
# Notification sending: Celery retries of transient failures (exponential back-off base, seconds).
NOTIFY_MAX_RETRIES = config.get_int("NOTIFY_MAX_RETRIES", 5)
NOTIFY_RETRY_BACKOFF = config.get_int("NOTIFY_RETRY_BACKOFF", 30)

# --- reports -------------------------------------------------------------------------------------------
# A TrueType (not CFF/OTF) CJK font embedded in PDFs. First existing path wins.
PDF_CJK_FONT_PATHS = config.get_list(
    "PDF_CJK_FONT_PATHS",
    [
        str(BASE_DIR / "var" / "fonts" / "cjk.ttf"),
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/arphic/uming.ttc",
    ],
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if TESTING:
    # Fast hashing in tests only (hundreds of users are created); production keeps Django's PBKDF2 default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
