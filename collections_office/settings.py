"""Settings for the collections back office, read from the environment.

Two ways to run: the embedded default (no DATABASE_URL / REDIS_URL: a SQLite
file and a file-system Celery broker under var/, nothing to install) and
production (PostgreSQL + Redis). `DJANGO_ENV=production` refuses to start
without real secrets.
"""

import base64
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be one of development, production, test")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=DJANGO_ENV == "development")

# Development-only fallbacks. They are marked insecure on purpose: production
# refuses every one of them below.
_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production-0123456789"  # noqa: S105
_DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="  # 32 bytes, url-safe base64
_DEV_HASH_KEY = "dev-only-personal-data-hash-key"

SECRET_KEY = env_str("SECRET_KEY") or _DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
# Comma-separated AES-256 keys (url-safe base64); the first encrypts, all decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or [_DEV_ENCRYPTION_KEY]
# Key of the HMAC used for exact lookups of encrypted personal data.
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY") or _DEV_HASH_KEY


# The secrets of .env.example: they make a first local `docker compose up` work, and are
# refused in production as soon as the site is served on a host other than this machine.
_EXAMPLE_SECRETS = {
    "local-docker-only-secret-key-replace-before-real-use-0123456789abcdef",
    "bG9jYWwtZG9ja2VyLW9ubHkta2V5LW5vdC1mb3ItcHI=",
    "local-docker-only-hash-key-replace-before-real-use",
}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _is_encryption_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (ValueError, UnicodeEncodeError):
        return False


if PRODUCTION:
    problems = []
    if (
        SECRET_KEY == _DEV_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure")
        or len(SECRET_KEY) < 50
    ):
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the host names this site is served on")
    if FIELD_ENCRYPTION_KEYS[0] == _DEV_ENCRYPTION_KEY:
        problems.append("FIELD_ENCRYPTION_KEYS must be set (generate one with `make key`)")
    elif not all(_is_encryption_key(key) for key in FIELD_ENCRYPTION_KEYS):
        # A placeholder would only fail at the first encrypted write: fail now.
        problems.append("FIELD_ENCRYPTION_KEYS must hold 32-byte url-safe base64 keys (`make key`)")
    if FIELD_HASH_KEY == _DEV_HASH_KEY or len(FIELD_HASH_KEY) < 32:
        problems.append("FIELD_HASH_KEY must be set to a random value of at least 32 characters")
    used_examples = _EXAMPLE_SECRETS & {SECRET_KEY, FIELD_HASH_KEY, *FIELD_ENCRYPTION_KEYS}
    if used_examples and not set(ALLOWED_HOSTS) <= _LOCAL_HOSTS:
        problems.append(
            "SECRET_KEY, FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY still hold the local-only "
            "values of .env.example: set random ones before serving a real host name"
        )
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "collections_office",
    "staff",
    "cases",
    "frontdesk",
    "reporting",
]

MIDDLEWARE = [
    # First: container and load-balancer probes reach /healthz by address, not by host name.
    "collections_office.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "collections_office.middleware.IdleSessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads a parameter into a query: NUL is a 400, not a database error.
    "collections_office.middleware.RejectNullCharactersMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    # Before any process_view: the CSRF check would read a huge upload's whole body.
    "cases.middleware.PlacementUploadSizeMiddleware",
    "cases.middleware.RecordingUploadSizeMiddleware",
    "staff.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed in with the password but owing the code (or an enrolment): nothing else opens.
    "staff.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts raised by the backend into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "collections_office.urls"
WSGI_APPLICATION = "collections_office.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staff.context_processors.navigation",
            ],
        },
    },
]
# Django's widget templates, with input/select/textarea widgets rendered in Python (same
# HTML, a test compares them): a fifth of the case page's CPU was its forms' widgets.
FORM_RENDERER = "collections_office.form_renderer.FastWidgetRenderer"

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})
        if env_bool("DATABASE_POOL", default=False):
            DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 10}
        else:
            DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # Web, worker and beat share the file: WAL lets readers and one writer
                # work together, IMMEDIATE avoids upgrade deadlocks, the timeout waits.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
    # The covering indexes' INCLUDE columns are PostgreSQL's speed-ups; the embedded
    # demo gets the plain index, and the warning saying so would greet every `make run`.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "co"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Embedded default: processes share a file cache and a file-system broker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange bindings (broadcast control, e.g. `celery inspect`): under var/, not the
        # working directory kombu defaults to.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'results'}"

CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TIMEZONE = "UTC"
# Workers log through LOGGING below (JSON, personal data masked) instead of
# replacing the root handlers with Celery's plain ones.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat reads the report schedules from the database (reporting/beat.py) besides the
# fixed jobs of collections_office/celery.py.
CELERY_BEAT_SCHEDULER = "reporting.beat:DatabaseScheduler"
# Fixed jobs live in code (django-celery-beat does not support Django 6.1): each app
# adds its entries in collections_office/celery.py.

# --- Auth and sessions ---------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "staff.backends.StaffModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-factor sign-in (TOTP, django-otp): required for supervisors and holders of the
# bank-file permission when on; everyone else may enrol. On by default in production only.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Collections office")
# Password reset: links last an hour; requests are limited per address and per client
# address within the window (the answer is the same for known and unknown addresses).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 60) * 60
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 20)
PASSWORD_RESET_RATE_WINDOW_SECONDS = 60 * 60

# Idle sessions expire: a signed-in session's expiry moves on with use, its row written
# at most once per SESSION_RENEW_AFTER_SECONDS (IdleSessionRenewalMiddleware), not on
# every request as SESSION_SAVE_EVERY_REQUEST did.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_RENEW_AFTER_SECONDS = env_int("SESSION_RENEW_AFTER_SECONDS", 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"  # stored and processed in UTC; shown in the company's zone
COMPANY_TIME_ZONE = env_str("COMPANY_TIME_ZONE", "Asia/Shanghai")
# Where collections_office.workdays reads HR's working-day overrides (it imports no app).
WORKDAY_OVERRIDES_SOURCE = "staff.workdays.workday_overrides"
# Who has a role, for the dashboard panels' registry (collections_office.panels imports no app).
PANEL_ROLE_CHECK = "staff.selectors.has_role"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
# A second copy of every original bank file lands here (DESIGN §4.2: one copy at
# the branch, one at HQ). In production it is a different volume.
BACKUP_MEDIA_ROOT = Path(env_str("BACKUP_MEDIA_ROOT") or VAR_DIR / "backup")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "backup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BACKUP_MEDIA_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Mail ----------------------------------------------------------------------
# Django 6.1's MAILERS (the EMAIL_* settings are deprecated).
_smtp = PRODUCTION or env_str("EMAIL_HOST") != ""
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if _smtp
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": (
            {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 10,
            }
            if _smtp
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "back-office@localhost")

# --- REST API ------------------------------------------------------------------
REST_FRAMEWORK = {
    # Banks only: API keys, never sessions (a staff cookie does not open the API).
    "DEFAULT_AUTHENTICATION_CLASSES": ["cases.authentication.BankApiKeyAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": ["cases.throttling.BankApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "bank_api": env_str("BANK_API_THROTTLE_RATE", "600/minute"),
        "bank_api_upload": env_str("BANK_API_UPLOAD_THROTTLE_RATE", "120/hour"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "collections_office.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collections back office — bank API",
    "DESCRIPTION": "REST API for client banks: placements, cases, recalls.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI is vendored by drf-spectacular-sidecar: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a "status": name their enums instead of a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "PlacementStatusEnum": "cases.models.Placement.Status",
        "CaseStatusEnum": "cases.models.Case.Status",
        "StatementStatusEnum": "cases.models.Statement.Status",
        "StatementLineKindEnum": "cases.models.StatementLine.Kind",
    },
}

# --- Logging ---------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "collections_office.logging.MaskPersonalDataFilter"},
        "client_errors_without_traceback": {
            "()": "collections_office.logging.ClientErrorsWithoutTracebackFilter"
        },
    },
    "formatters": {"json": {"()": "collections_office.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["client_errors_without_traceback", "mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replace Django's default handlers (the DEBUG console, runserver's access
        # lines): they would print messages and URLs unmasked next to the JSON.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Product settings --------------------------------------------------------------
HQ_BRANCH_CODE = env_str("HQ_BRANCH_CODE", "HQ")

# --- Case intake ---
# Largest placement file accepted; bigger uploads get 413 before anything is stored.
PLACEMENT_MAX_UPLOAD_BYTES = env_int("PLACEMENT_MAX_UPLOAD_MB", 100) * 1024 * 1024
# DESIGN §4.2: a placement must be in the system within 2 hours of receipt.
PLACEMENT_IMPORT_SLA_MINUTES = env_int("PLACEMENT_IMPORT_SLA_MINUTES", 120)
# Database connections that write one placement's rows side by side (PostgreSQL only;
# 1 = one after the other). Two use both cores of a small server: the database, not
# Python, is the slow part of an import (docs/benchmarks.md).
PLACEMENT_IMPORT_STREAMS = max(1, env_int("PLACEMENT_IMPORT_STREAMS", 2))

# --- Monthly reconciliation ---
# Days a payment's and the bank's repayment's dates may be apart and still match
# (docs/decisions.md, "Reconciliation and statements"); copied onto each statement.
RECONCILIATION_TOLERANCE_DAYS = max(0, env_int("RECONCILIATION_TOLERANCE_DAYS", 3))
# The CJK font the statement PDF embeds (Debian: fonts-wqy-microhei).
STATEMENT_PDF_FONT = env_str("STATEMENT_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# --- Collection work (DESIGN §4.3–4.4) ---
# New cases must be assigned within this many working days of their placement.
ASSIGNMENT_SLA_WORKING_DAYS = env_int("ASSIGNMENT_SLA_WORKING_DAYS", 1)
# A collector logs a first action on a newly assigned case within this many minutes.
FIRST_ACTION_SLA_MINUTES = env_int("FIRST_ACTION_SLA_MINUTES", 120)
# The queue brings forward cases nobody has called for this many days.
QUEUE_STALE_AFTER_DAYS = env_int("QUEUE_STALE_AFTER_DAYS", 7)
# Largest call recording accepted (bytes).
CALL_RECORDING_MAX_BYTES = env_int("CALL_RECORDING_MAX_MB", 50) * 1024 * 1024
# Field visits (DESIGN §4.5): due this many working days after the hand-over; photos
# up to this size, at most this many per report; their location data (EXIF GPS …) is
# removed unless the company keeps it.
VISIT_DUE_WORKING_DAYS = env_int("VISIT_DUE_WORKING_DAYS", 2)
VISIT_PHOTO_MAX_BYTES = env_int("VISIT_PHOTO_MAX_MB", 15) * 1024 * 1024
VISIT_PHOTOS_MAX_COUNT = env_int("VISIT_PHOTOS_MAX_COUNT", 10)
VISIT_PHOTOS_KEEP_LOCATION = env_bool("VISIT_PHOTOS_KEEP_LOCATION", default=False)
# How long a supervisor's compliance override stays usable (minutes).
COMPLIANCE_OVERRIDE_VALID_MINUTES = env_int("COMPLIANCE_OVERRIDE_VALID_MINUTES", 60)
# What promotion reviews (the staff app, which never imports cases) call for a collector's
# compliance in a period: a dotted path to `(collector=, start=, end=) -> dict`.
COMPLIANCE_SUMMARY_FUNCTION = "cases.selectors.compliance.compliance_summary"
# What promotion reviews and the annual assessment call for people's performance figures
# in a period: `(user_ids=, start=, end=) -> {user id: staff.performance.PerformanceFigures}`.
PERFORMANCE_FIGURES_FUNCTION = "cases.performance.performance_figures"
# A call quality score (0–100) below this may be confirmed as a compliance violation.
QUALITY_VIOLATION_THRESHOLD = env_int("QUALITY_VIOLATION_THRESHOLD", 60)

if DJANGO_ENV == "test":
    # Hashing cost is not what the tests test; the validators still apply.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Front desk ---
# Largest scanned attachment accepted per file (bytes).
FRONTDESK_ATTACHMENT_MAX_BYTES = env_int("FRONTDESK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# A phone message still unhandled after this many minutes is flagged on the desk's dashboard.
FRONTDESK_UNHANDLED_MESSAGE_MINUTES = env_int("FRONTDESK_UNHANDLED_MESSAGE_MINUTES", 120)
# The "in the building now" list refreshes itself this often (seconds).
FRONTDESK_IN_BUILDING_REFRESH_SECONDS = env_int("FRONTDESK_IN_BUILDING_REFRESH_SECONDS", 30)

# --- Links in emails ---
# Scheme and host the staff reach the site at, e.g. https://collections.example.com:
# notification emails then carry absolute links. Unset in production: they carry the path.
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL must start with http:// or https://")
