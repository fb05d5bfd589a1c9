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

# The province this installation serves (used by geo_load and demo_seed defaults).
DEFAULT_PROVINCE_CODE = int(os.environ.get("DEFAULT_PROVINCE_CODE", "75"))

PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
