"""Settings for giamngheo: everything comes from the environment, nothing exists only in production."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # `make` writes var/secret_key (0600); SECRET_KEY_FILE points elsewhere.
    _key_file = Path(os.environ.get("SECRET_KEY_FILE") or BASE_DIR / "var" / "secret_key")
    if _key_file.is_file():
        SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_htmx",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "giamngheo.core",
    "giamngheo.geo",
    "giamngheo.org",
    "giamngheo.standards",
    "giamngheo.households",
    "giamngheo.reviews",
    "giamngheo.policies",
    "giamngheo.training",
    "giamngheo.vocation",
    "giamngheo.fund",
    "giamngheo.relief",
    "giamngheo.outreach",
    "giamngheo.initiatives",
    "giamngheo.unitreports",
    "giamngheo.commendation",
    "giamngheo.emulation",
    "giamngheo.scoring",
    "giamngheo.officedocs",
    "giamngheo.webhooks",
    "giamngheo.odk",
    "giamngheo.api",
    "giamngheo.ops",
    "giamngheo.jobs",
    "giamngheo.notices",
    "giamngheo.dataio",
    "giamngheo.plans",
    "giamngheo.dashboard",
    "giamngheo.accounts",
    "giamngheo.web",
    "giamngheo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "giamngheo.core.uploads.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "giamngheo.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "giamngheo.core.headers.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # AxesMiddleware must be last: it turns lockouts into a friendly page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "giamngheo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "giamngheo.web.context_processors.shell",
                "giamngheo.notices.context_processors.notices",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'var' / 'giamngheo.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"  # 128 MB page cache per connection
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "giamngheo.accounts.validators.CharacterClassValidator"},
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)

# Internationalisation: Vietnamese by default, English selectable.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True
# Fields with errors are marked (is-invalid, aria-invalid) in every form (decision 0020).
FORM_RENDERER = "giamngheo.core.forms.FormRenderer"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry at install time (package-lock.json) and are
# served by the app itself (WhiteNoise): no CDN at run time, no third-party code committed.
STATICFILES_DIRS = [
    BASE_DIR / "giamngheo" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# Django's two finders; the first leaves out the vendor builds no page loads (collectstatic).
STATICFILES_FINDERS = [
    "giamngheo.core.staticfiles.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "giamngheo")
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "giamngheo"}
}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
    }

# Background jobs (django-tasks; docs/decisions/0007). Without REDIS_URL, jobs wait in the database and a
# `python manage.py db_worker --queue-name <JOBS_QUEUE>` process runs them (`make run` starts one). With
# REDIS_URL, they go to Redis (RQ) and any number of `python manage.py rqworker --job-class
# django_tasks_rq.Job <JOBS_QUEUE>` processes, on any machine that reaches Redis and the database, run
# them. TASKS_BACKEND=immediate runs them inside the request (tests, tiny installations).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "redis" if REDIS_URL else "database")
JOBS_QUEUE = os.environ.get("JOBS_QUEUE", REDIS_KEY_PREFIX)
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": [JOBS_QUEUE]}}
RQ_QUEUES = {JOBS_QUEUE: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 6 * 3600}}
# Uploads (docs/security.md): every request body is bounded before it is read, each kind of upload has a
# size limit of its own, and zip-based files (xlsx, ods) are checked once for their unpacked size and ratio.
MB = 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(200 * MB)))  # a province's household list
UPLOAD_MAX_BYTES = {
    "household_import": IMPORT_MAX_BYTES,
    "support_import": int(os.environ.get("SUPPORT_IMPORT_MAX_BYTES", str(50 * MB))),
    "village_import": int(os.environ.get("VILLAGE_IMPORT_MAX_BYTES", str(2 * MB))),
    "plan_evidence": int(os.environ.get("PLAN_EVIDENCE_MAX_BYTES", str(10 * MB))),
    "boundaries": int(os.environ.get("BOUNDARIES_MAX_BYTES", str(20 * MB))),
    # photos and scanned documents kept beside a record (core/attachments.py)
    "attachment": int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * MB))),
    # attendance, donation and other activity lists imported from a spreadsheet
    "activity_import": int(os.environ.get("ACTIVITY_IMPORT_MAX_BYTES", str(10 * MB))),
}
# Largest request body of any kind (a proxy in front should refuse larger ones too: docs/security.md).
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(max(UPLOAD_MAX_BYTES.values()) + MB)))
# Unpacked size and compression ratio a zip-based spreadsheet may have (real xlsx: ratio 5-30).
ZIP_MAX_UNPACKED_BYTES = int(os.environ.get("ZIP_MAX_UNPACKED_BYTES", str(1024 * MB)))
ZIP_MAX_RATIO = int(os.environ.get("ZIP_MAX_RATIO", "100"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * MB
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * MB

# Security headers (issue 12, part "headers"; docs/security.md). Content-Security-Policy (django-csp): our own
# scripts, styles, fonts and images only, no inline script or style, no eval, no framing. Behind a proxy that
# terminates HTTPS (BEHIND_HTTPS_PROXY=true, README "Running in production"), http is redirected to https and
# HSTS is sent; `make run` (plain http on 127.0.0.1) and the tests get neither. Pages and files shown to a
# signed-in user are sent with Cache-Control: no-store (giamngheo.core.headers).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap's CSS draws a few icons (select arrow, close button) as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
_HTTPS = not DEBUG and env_bool("BEHIND_HTTPS_PROXY", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if _HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading binds the whole domain to HTTPS in every browser for good: a decision for the domain's owner.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Exports and sign-ins (issue 12, part "exports"; docs/security.md): every download of personal data
# writes a row of the export log (core.ExportRecord, page web:export-log); failed sign-ins are kept by
# django-axes (AccessFailureLog, page web:signin-failures), at most this many per username.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = int(os.environ.get("AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT", "1000"))

# Uploads, issue 12 (helper "uploads"): the body of a multipart request is counted as it arrives and cut
# off past REQUEST_MAX_BYTES; stored files are private to the server's user; a check's staged plans and
# the jobs' input files are deleted by `manage.py dataio_prune` after this many days.
FILE_UPLOAD_HANDLERS = [
    "giamngheo.core.uploads.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Static files are public (a proxy may serve them as another user): not private like the media files.
STORAGES["staticfiles"] = {
    **STORAGES["staticfiles"],
    "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},  # type: ignore[dict-item]
}
IMPORT_STAGED_RETENTION_DAYS = int(os.environ.get("IMPORT_STAGED_RETENTION_DAYS", "7"))
# PostgreSQL: processes writing a checked household file's chunks at once (each chunk its own transaction);
# default the machine's cores, at most 4. SQLite always writes with one.
IMPORT_WRITERS = int(os.environ["IMPORT_WRITERS"]) if os.environ.get("IMPORT_WRITERS") else None
# Processes checking a household file with codes at once (segments of 2,000 households, the same findings
# as one process); default the machine's cores, at most 4.
IMPORT_CHECKERS = int(os.environ["IMPORT_CHECKERS"]) if os.environ.get("IMPORT_CHECKERS") else None

# The province this installation serves (used by geo_load and demo_seed defaults).
DEFAULT_PROVINCE_CODE = int(os.environ.get("DEFAULT_PROVINCE_CODE", "75"))

PAGE_SIZE = 25

# --- ops: logs, request ids, health probes, static and media paths (docs/deploy.md) ---
# LOG_FORMAT=json (the default of config.settings.production): one JSON object per line on stdout, with the
# request id nginx sends (X-Request-ID) or one we make, returned in the response; otherwise plain text.
# One line per request from giamngheo.ops.logs.RequestLogMiddleware (user id, path without query, status,
# duration); no personal data, no secrets.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
MIDDLEWARE.insert(0, "giamngheo.ops.logs.RequestLogMiddleware")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "giamngheo.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "giamngheo.ops.logs.JsonFormatter",
            "fmt": "{levelname}{name}{message}{request_id}",
            "style": "{",
            "timestamp": "time",  # ISO 8601, UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        # giamngheo.ops.logs writes the request lines; Django's own would repeat them (with the query string).
        "django.server": {"level": "WARNING"},
    },
}

# --- otp: two-factor sign-in, idle sessions, one-time reset links (issue 17 §7) ---
# TOTP (django-otp) is required for these roles (any superuser too), and for OTP_PROVINCE_LEVEL_ROLES when
# the user's scope reaches the province (a province-level area or a top-level org unit); optional for the
# others (a user who enrolled is always asked for the code). OTP_ENFORCE=false lifts the requirement only
# (`make run`, the test settings); a user with a device is still asked for the code.
INSTALLED_APPS += ["django_otp.plugins.otp_static"]  # backup codes
OTP_ENFORCE = env_bool("OTP_ENFORCE", True)
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "system_admin,provincial_specialist,department_office")
OTP_PROVINCE_LEVEL_ROLES = env_list("OTP_PROVINCE_LEVEL_ROLES", "viewer")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Giam ngheo")
OTP_BACKUP_CODES = 10
# Paths an unverified session may reach besides the sign-in steps (API calls with a token are let through).
OTP_EXEMPT_PREFIXES = ["/static/", "/healthz", "/readyz", "/i18n/", "/favicon"]
# The session ends this many minutes after the last request (0: only SESSION_COOKIE_AGE applies).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "30"))
# A one-time password link made by the administrator is valid 24 hours (and only until it is used).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT_HOURS", "24")) * 3600
_messages_at = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_messages_at:_messages_at] = [
    "giamngheo.accounts.middleware.IdleSessionMiddleware",
    "giamngheo.accounts.middleware.OTPRequiredMiddleware",
]
UPLOAD_MAX_BYTES["user_import"] = int(os.environ.get("USER_IMPORT_MAX_BYTES", str(2 * MB)))

# --- hooks: outgoing notifications (webhooks), issue 17 ---
# Each delivery is a POST with this timeout (seconds); network errors, 5xx and 429 are retried after these
# delays (seconds: 1 min, 5 min, 30 min, 2 h, 12 h), then the delivery is marked failed. More changes than
# WEBHOOKS_INLINE_LIMIT at once (an import) are turned into deliveries by a task, not in the request.
# Plain http is accepted only to localhost/127.0.0.1, and only when DEBUG or WEBHOOKS_ALLOW_HTTP_LOCAL.
WEBHOOKS_TIMEOUT = float(os.environ.get("WEBHOOKS_TIMEOUT", "10"))
WEBHOOKS_RETRY_DELAYS = [60, 300, 1800, 7200, 43200]
WEBHOOKS_INLINE_LIMIT = int(os.environ.get("WEBHOOKS_INLINE_LIMIT", "100"))
WEBHOOKS_ALLOW_HTTP_LOCAL = os.environ.get("WEBHOOKS_ALLOW_HTTP_LOCAL", "false").lower() == "true"

# --- odk: ODK Central pull (issue 17) ---
# Key the stored ODK Central passwords are sealed with (Fernet, derived by SHA-256); empty: derived from
# SECRET_KEY. Set it to keep the passwords readable across a change of SECRET_KEY (and out of its reach).
ODK_CREDENTIALS_KEY = os.environ.get("ODK_CREDENTIALS_KEY", "")
ODK_TIMEOUT = float(os.environ.get("ODK_TIMEOUT", "30"))  # seconds per request to ODK Central

# --- api: the REST API (issue 17, giamngheo/api, docs/decisions/0026-api-rest.md) ---
# Requests per personal token (per user for the signed-in session), counted in the cache (Redis when
# REDIS_URL is set, shared by every web process): "<count>/<s|min|hour|day>". Over it: 429 + Retry-After.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/min")
# Hours an Idempotency-Key's first answer is kept: a repeat within them gets it back, a key older than that is
# a new request; `manage.py api_prune` (daily) deletes the older answers.
API_IDEMPOTENCY_HOURS = int(os.environ.get("API_IDEMPOTENCY_HOURS", "24"))

# --- ops (continued): probes, static and backups ---
# Probes over plain http on the private network get their answer, not a redirect to https.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)/?$"]
# A longer queue than this makes /readyz answer 503 (unset: the depth is reported, never a failure).
READYZ_MAX_QUEUE_DEPTH = (
    int(os.environ["READYZ_MAX_QUEUE_DEPTH"]) if os.environ.get("READYZ_MAX_QUEUE_DEPTH") else None
)
# collectstatic writes here (a volume nginx serves in deploy/compose.yaml); media stay private (MEDIA_ROOT).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(STATIC_ROOT)))
# Backups (python manage.py backup): where archives go by default; APP_VERSION names the release in the
# manifest when the checkout has no .git (a container image).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
APP_VERSION = os.environ.get("APP_VERSION", "")

# --- reclass: a province's reclassification in parts on the queue (docs/decisions/0032) ---
# RECLASSIFY_PARTS: how many jobs a province's reclassification is split into, so that several workers
# write at once (0: automatic, 8 on PostgreSQL with the Redis queue, else 1). RECLASSIFY_PROCESSES (SQLite:
# processes reading at once, decision 0024) stays as it was: default the machine's cores, at most 4.
RECLASSIFY_PARTS = int(os.environ.get("RECLASSIFY_PARTS", "0"))
# PostgreSQL: connections reading (and classifying what-ifs) at once, and connections writing a run's changed
# rows while the next communes are read and classified (decision 0034).
RECLASSIFY_READERS = int(os.environ.get("RECLASSIFY_READERS", "2"))
RECLASSIFY_WRITERS = int(os.environ.get("RECLASSIFY_WRITERS", "1"))
