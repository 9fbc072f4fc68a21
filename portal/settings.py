"""Settings for the employment services portal, read from environment variables.

PORTAL_ENVIRONMENT selects the profile:

- ``development`` (default): a development secret key, SQLite file and in-process tasks unless
  DATABASE_URL / REDIS_URL say otherwise; DEBUG only with DEBUG=1.
- ``production``: DEBUG off; SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL
  required, or the portal refuses to start; HTTPS-only cookies and HSTS; passes
  ``manage.py check --deploy``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from redis.backoff import NoBackoff
from redis.retry import Retry
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = env("PORTAL_ENVIRONMENT", "development")
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"PORTAL_ENVIRONMENT must be development, production or test, not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"

# Secrets: production refuses to start without its own key.
SECRET_KEY = env("SECRET_KEY")
if SECRET_KEY is None:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdefghijkl"

# Off unless asked for (DEBUG=1): the demo and every server answer with the portal's own Chinese
# 404/403/500 pages, never Django's technical pages.
DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on in production.")

# Personal data (registration): a key for the lookup hash of identity numbers and a Fernet key
# (32 url-safe base64 bytes) to encrypt them. Production refuses to start without its own keys;
# development and tests derive them from SECRET_KEY. Changing the hash key breaks every lookup.
PERSONAL_DATA_HASH_KEY = env("PERSONAL_DATA_HASH_KEY")
PERSONAL_DATA_ENCRYPTION_KEY = env("PERSONAL_DATA_ENCRYPTION_KEY")
if PRODUCTION and PERSONAL_DATA_HASH_KEY is None:
    raise ImproperlyConfigured("PERSONAL_DATA_HASH_KEY must be set in production.")
if PRODUCTION and PERSONAL_DATA_ENCRYPTION_KEY is None:
    raise ImproperlyConfigured("PERSONAL_DATA_ENCRYPTION_KEY must be set in production.")
if PERSONAL_DATA_HASH_KEY is None:
    PERSONAL_DATA_HASH_KEY = hashlib.sha256(f"personal-data-hash:{SECRET_KEY}".encode()).hexdigest()
if PERSONAL_DATA_ENCRYPTION_KEY is None:
    PERSONAL_DATA_ENCRYPTION_KEY = base64.urlsafe_b64encode(
        hashlib.sha256(f"personal-data-encryption:{SECRET_KEY}".encode()).digest()).decode()
try:
    if len(base64.urlsafe_b64decode(PERSONAL_DATA_ENCRYPTION_KEY.encode())) != 32:
        raise ValueError
except (ValueError, binascii.Error):
    raise ImproperlyConfigured("PERSONAL_DATA_ENCRYPTION_KEY must be 32 url-safe base64-encoded bytes "
                               "(a Fernet key: python -c 'from cryptography.fernet import Fernet; "
                               "print(Fernet.generate_key().decode())').") from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The portal's apps after the kernel; each plugs its URLs, navigation, schedule, audit event
# types and counters in from its own AppConfig (portal/registry.py).
PORTAL_APPS = ["jobs", "registration", "policy", "subsidies", "analytics"]

INSTALLED_APPS = [
    "portal",
    *PORTAL_APPS,
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",  # login lockout (see "Login lockout and throttles" below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy: see the CSP block below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.PrivateResponseMiddleware",  # no-store on staff, API and signed-in answers (after auth)
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# Widgets render through the project's templates (the area picker lives in templates/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: an SQLite file unless DATABASE_URL names a server.
DATABASE_URL = env("DATABASE_URL")
if PRODUCTION and not (DATABASE_URL or "").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must name the PostgreSQL database in production "
                               "(postgres://user:password@host:5432/name); the SQLite file is for development "
                               "and the demo only.")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Language and time: Chinese first, English through i18n; Beijing time, stored aware.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = not PRODUCTION  # development serves from the apps; production from collectstatic
# Uploaded supporting documents live outside the web root and are served only through scoped views.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process.
REDIS_URL = env("REDIS_URL")
if PRODUCTION and not (REDIS_URL or "").startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("REDIS_URL must name the Redis broker in production (redis://host:6379/0); "
                               "without it the nightly tasks would never run.")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands a task left unacknowledged this long (its worker died whole) to another worker: it must
# outlast the longest task (CELERY_TASK_TIME_LIMIT). Workers look for such tasks every 100 s (kombu's
# default), every second when the timeout is that short (the worker tests set CELERY_VISIBILITY_TIMEOUT).
_visibility_timeout = int(env("CELERY_VISIBILITY_TIMEOUT", str(2 * 60 * 60)))
if PRODUCTION and _visibility_timeout <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than the task time limit (3600 s), "
                               "or a task still running would be handed to a second worker.")
# Sending a task to a broker that is down fails at once (one immediate retry) instead of holding the
# request for seconds; the task is then kept in the database (portal.outbox). Workers reconnect by
# their own policy (broker_connection_retry).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout, "max_retries": 1, "interval_start": 0, "interval_step": 0,
    **({"unacked_restore_interval": 1, "unacked_restore_throttle": 1} if _visibility_timeout < 100 else {})}
CELERY_RESULT_EXPIRES = 7 * 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
# Nightly work: each app registers its entries from its AppConfig (``portal.registry.register_schedule``).
CELERY_BEAT_SCHEDULE: dict = {}

# A Redis that does not answer costs a request at most a second (redis-py would otherwise retry three
# times with back-off, four seconds on a refused connection): the throttles fail open on it.
CACHES = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                 "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)}}}
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

REST_FRAMEWORK = {
    # Token first: a request without credentials is answered 401 with ``WWW-Authenticate: Token``
    # (DRF takes the header from the first class; the session's has none, which would make it 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api_base.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api_base.exception_handler",
    # Throttles: see "Login lockout and throttles" below.
    "DEFAULT_THROTTLE_CLASSES": ["portal.throttling.ScopedThrottle"],
}
# A filter's empty choice reads 不限 (any), not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
SPECTACULAR_SETTINGS = {
    "TITLE": "Public Employment Services Portal API",
    "DESCRIPTION": _("Public employment services portal: areas, accounts and, in later modules, "
                     "vacancies, registrations, subsidies and analytics."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called ``status`` with different choices; each app names its
    # enums from its AppConfig (``portal.registry.register_api_enums``).
    "ENUM_NAME_OVERRIDES": {},
    # Every operation documents the error answers of portal.api_base (portal/api_schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "portal.api_schema.add_error_responses"],
}

# --- Login lockout and throttles (issue 11) -----------------------------------------------------
# The client address for the audit trail, the lockout and the throttles: REMOTE_ADDR, or, behind
# TRUSTED_PROXY_COUNT reverse proxies that each append to X-Forwarded-For, the address the
# outermost trusted proxy saw (a client cannot forge it by sending the header itself).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT

# Lockout (django-axes, failed attempts in the database): LOGIN_FAILURE_LIMIT failed logins for
# one account (from any address) or from one address (for any account) within the cool-off lock
# both the login form and POST /api/auth/token/ until LOGIN_COOLOFF_MINUTES after the last failure
# that counted; a right password does not get in meanwhile. A success resets the account's count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not push the unlock time further, so the time shown holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.audit.client_ip"
AXES_ENABLE_ADMIN = True
AXES_VERBOSE = False  # failures and lockouts go to the audit trail; no log line per login

# Throttles (DRF's scoped throttle on the default cache, Redis in production): the API and the
# pages (portal.throttling.ThrottledPageMixin) count in the same buckets, per account when signed
# in, per address otherwise. A request over the rate gets 429 with Retry-After; when the cache is
# down they let requests through and log a warning.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "search": env("THROTTLE_RATE_SEARCH", "30/min"),              # /jobs/, /policy/ and their APIs
    "signup": env("THROTTLE_RATE_SIGNUP", "10/hour"),             # POST /accounts/signup/
    "login": env("THROTTLE_RATE_LOGIN", "10/min"),                # POST /accounts/login/
    "token": env("THROTTLE_RATE_TOKEN", "10/min"),                # POST /api/auth/token/
    "registration": env("THROTTLE_RATE_REGISTRATION", "10/hour"),  # online unemployment registration
}

# --- Content-Security-Policy (issue 11) ---------------------------------------------------------
# django-csp's CSPMiddleware (in MIDDLEWARE) sets the policy on every response: pages run
# and style only the portal's own files. No inline <script> or <style>, no style="" or on…=""
# attributes, no javascript: URLs; scripts change looks through classes or element.style. Nothing
# needs a nonce: the Swagger UI (/api/docs/) loads its start-up script as a file too. The API
# answers JSON only, since DRF's browsable pages carry inline styles; /api/docs/ is its page for people.
# tests/browser/test_csp.py loads every page as every demo role and fails on any violation.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the blank favicon and the Swagger UI's icons
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]

# Input limits (portal/input_limits.py): malformed input answers 400 naming the field, never 500.
# JSON bodies are parsed with limits on their size (DATA_UPLOAD_MAX_MEMORY_SIZE, Django's limit for
# form bodies too) and depth; control characters are refused in query strings, form bodies and JSON;
# every date input lies within INPUT_DATE_WINDOW (years, inclusive).
API_JSON_MAX_DEPTH = 32
INPUT_DATE_WINDOW = (1900, 2100)
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "portal.input_limits.LimitedJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
MIDDLEWARE = [*MIDDLEWARE, "portal.input_limits.InputLimitsMiddleware"]

# Production hardening; check --deploy passes with these.
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # django-axes writes a line per successful login; failures and lockouts are in the audit trail.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Demo accounts share one documented password (see README); only the demo_data command uses it.
DEMO_PASSWORD = env("DEMO_PASSWORD", "Wuhan@2026demo")

# How an account is told about its records (portal/notifications.py): the site's own list now; an
# SMS gateway is added here as another sender class.
NOTIFICATION_SENDERS = ["portal.notifications.SiteSender"]
