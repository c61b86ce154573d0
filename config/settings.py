"""Settings for Tsunagu, read from the environment only.

Every value has an embedded default so that a fresh clone runs with no servers:
SQLite and the Celery broker live under ``var/`` and mail is written to ``var/mail/``.
Production sets ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``EMAIL_URL``, ``SECRET_KEY``,
``DEBUG=false`` and ``ALLOWED_HOSTS``.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TSUNAGU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_hours(name: str, default: str) -> tuple[int, int]:
    """Read a span of whole hours of the day, ``START-END`` (``8-20``: 08:00 until 20:00)."""
    value = os.environ.get(name, "") or default
    start, _, end = value.partition("-")
    if not (start.isdigit() and end.isdigit() and 0 <= int(start) < int(end) <= 24):
        raise ImproperlyConfigured(f"{name} must be START-END in hours, like 8-20, not {value!r}.")
    return int(start), int(end)


def env_networks(name: str) -> list[str]:
    """Read a comma-separated list of IP addresses or networks (10.0.0.0/8)."""
    values = env_list(name, "")
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks, not {value!r}."
            ) from None
    return values


# WAL and immediate transactions let web, worker and beat share one SQLite file.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tsunagu.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    scheme = url.split(":", 1)[0]
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or sqlite:///, not {scheme!r}."
        )
    try:
        config = dict(
            dj_database_url.parse(
                url,
                conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
                # A kept connection is checked before a request reuses it: one the server
                # dropped meanwhile is replaced, not a 500.
                conn_health_checks=True,
            )
        )
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = SQLITE_OPTIONS
    elif not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://user@host/NAME).")
    return config


def email_from_env() -> dict:
    url = os.environ.get("EMAIL_URL", "")
    if not url:
        if os.environ.get("EMAIL_HOST"):
            return {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": os.environ["EMAIL_HOST"],
                "EMAIL_PORT": env_int("EMAIL_PORT", 25),
                "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", ""),
                "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", False),
                "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
            }
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": VAR_DIR / "mail",
        }
    parts = urlsplit(url)
    if parts.scheme in {"console"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme in {"file", "filemail"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path or VAR_DIR / "mail",
        }
    if parts.scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps://, submission://, file:// or console://, "
            f"not {parts.scheme!r}."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or {"smtp": 25, "smtps": 465, "submission": 587}[parts.scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "submission",
    }


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-defaults"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The reverse proxies in front of the app: only a request from one of them has its client
# address taken from X-Forwarded-For (the right-most hop that is not a trusted proxy).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
# The audit trail's HMAC key: kept out of the database, so no database role can forge an
# entry. A system check (audit/checks.py) refuses to start without it when DEBUG is false.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "") or (
    "insecure-development-audit-key-only-while-debug" if DEBUG else ""
)
# Unusual access (audit/anomalies.py): more distinct cases read in an hour than this, or a
# case read outside these hours (Tokyo, start inclusive, end exclusive) or on a day off.
AUDIT_ALERT_CASES_PER_HOUR = env_int("AUDIT_ALERT_CASES_PER_HOUR", 30)
AUDIT_WORKING_HOURS = env_hours("AUDIT_WORKING_HOURS", "8-20")
AUDIT_ALERT_EPISODE_HOURS = env_int("AUDIT_ALERT_EPISODE_HOURS", 8)

INSTALLED_APPS = [
    "accounts.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "audit",
    "accounts",
    "catalogue",
    "triage",
    "cases",
    "referrals",
    "deadlines",
    "transfers",
    "stats",
    "retention",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long cache lifetime and every other
    # response is marked no-store and carries the policy headers.
    "core.headers.ResponseHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view or parser: NUL, JSON nested too deep and oversized bodies are a 400.
    "core.requests.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditActorMiddleware",
    # Records who made each change to a catalogue window (its history on the admin page).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, so that a session ended for idleness can say so on the sign-in page.
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with its lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, next to the view: a request whose database connection dropped before it wrote
    # runs once more on a new connection (core/retry.py).
    "core.retry.RetryDroppedConnectionMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes): an account, or an address, is locked after this many failed sign-ins
# until an administrator unlocks it (admin site) or AXES_COOLOFF_MINUTES pass (0: never).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = (env_int("AXES_COOLOFF_MINUTES", 60) / 60) or None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False
# Second factor (django-otp): the issuer name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "つなぐ"
# Passkeys (django-otp-webauthn) as a second factor only, never instead of the password.
OTP_WEBAUTHN_RP_NAME = "つなぐ"
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.passkeys.rp_id"
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Sessions: signed out after this long without a request, and this long after signing in.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_HOURS", 8) * 60 * 60
# API tokens: lifetime by default and at most, in days.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366)
# API rate limits per token (per user for a browser session): far above what a person at a
# desk sends; exports, which build whole files, lower.
API_THROTTLE_RATES = {
    "read": os.environ.get("API_THROTTLE_READ", "600/min"),
    "write": os.environ.get("API_THROTTLE_WRITE", "60/min"),
    "export": os.environ.get("API_THROTTLE_EXPORT", "20/min"),
}

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The image builds static files outside var/, which compose mounts as a volume.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

globals().update(email_from_env())
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "つなぐ <tsunagu@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Absolute address used for links in emails, which are built outside any request.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Origins a passkey may be used from, besides the origin a request reached (accounts.passkeys).
# Browsers offer passkeys only over HTTPS, or plain HTTP at localhost.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS",
    SITE_URL if SITE_URL.startswith("https://") else "http://localhost:8000",
)

# No form or API call needs more than a few tens of kilobytes (free text is capped at 4,000
# characters): anything larger is refused with a 400 by core.requests before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Every script and style comes from this origin's static files: no inline code, no CDN.
# A template that truly needs inline code uses request.csp_nonce (the error page does).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "report-uri": "/csp-report/",
    },
}
SILENCED_SYSTEM_CHECKS = (
    [] if env_bool("SECURE_HSTS_PRELOAD", False) or DEBUG else ["security.W021"]
)

REST_FRAMEWORK = {
    # The token first, so that a refused token is a 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.authentication.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.ReadThrottle",
        "accounts.throttling.WriteThrottle",
        "accounts.throttling.ExportThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tsunagu API",
    "DESCRIPTION": "つなぐ — ネットトラブル相談窓口の案内・記録・フォローアップ",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed sidecar package, never a CDN, and no call to the
    # online validator: the desks' networks (LGWAN) often have no internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # Request bodies are documented as JSON; forms are still read, for the browsable API.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        **{
            f"{name}Enum": f"catalogue.vocabulary.{name}"
            for name in (
                "Situation",
                "Wish",
                "Category",
                "Flag",
                "AgeBand",
                "Consulter",
                "Channel",
                "Platform",
                "Action",
                "Audience",
            )
        },
        "CaseStatusEnum": "cases.models.Case.Status",
        "NoteKindEnum": "cases.models.Note.Kind",
        "ReferralStatusEnum": "referrals.models.Referral.Status",
        "ReferralOutcomeEnum": "referrals.models.Referral.Outcome",
        "ReferralMethodEnum": "referrals.models.Referral.Method",
        "ClosureReasonEnum": "cases.models.Case.ClosureReason",
        "ClosingRequestStatusEnum": "cases.models.ClosingRequest.Status",
        "TransferStatusEnum": "transfers.models.CaseTransfer.Status",
        "TransferConsentEnum": "transfers.models.Consent",
        "TransferDeclineReasonEnum": "transfers.models.DeclineReason",
    },
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}


def cache_from_env() -> dict:
    """Return a cache every web process shares: Redis when there is one, else the database.

    The live personal-data check's rate limit counts a user's requests across all gunicorn
    workers, which a per-process memory cache cannot do.
    """
    url = os.environ.get("REDIS_URL", "")
    if not url and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        url = CELERY_BROKER_URL
    if url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "tsunagu",
        }
    # cases.apps creates the table after every migrate.
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tsunagu_cache"}


CACHES = {"default": cache_from_env()}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Reminders (reminders/services.py): a sweep every 20 seconds leases the digests that are due
# and those whose sender died; a lease of 30 s is renewed while a batch sends, so a crash is
# recovered from within a lease plus a sweep (under a minute). Retries back off from 10 s to
# 40 s and go on until the digest's week is over.
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 20)
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-reminders": {
        "task": "reminders.tasks.sweep_reminders",
        "schedule": REMINDER_SWEEP_SECONDS,
        "options": {"expires": REMINDER_SWEEP_SECONDS},
    },
    # The catalogue (catalogue/tasks.py): sites weekly, the review mail monthly, feeds daily.
    "check-links": {
        "task": "catalogue.tasks.check_links",
        "schedule": crontab(minute=30, hour=3, day_of_week="sunday"),
    },
    "send-review-digests": {
        "task": "catalogue.tasks.send_review_digests",
        "schedule": crontab(minute=0, hour=8, day_of_month=1),
    },
    "sync-subscriptions": {
        "task": "catalogue.tasks.sync_subscriptions",
        "schedule": crontab(minute=15, hour=4),
    },
}
REMINDER_SWEEP_ON_START = env_bool("REMINDER_SWEEP_ON_START", True)
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 100)
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 30)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 10)
REMINDER_RETRY_MAX_SECONDS = env_int("REMINDER_RETRY_MAX_SECONDS", 40)
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", 14)

# Catalogue entries not verified for this many days are flagged for review.
CATALOGUE_REVIEW_AFTER_DAYS = env_int("CATALOGUE_REVIEW_AFTER_DAYS", 180)
# The weekly link check: seconds to wait for one site, and how many hosts at once.
LINK_CHECK_TIMEOUT_SECONDS = env_int("LINK_CHECK_TIMEOUT_SECONDS", 10)
LINK_CHECK_CONCURRENCY = env_int("LINK_CHECK_CONCURRENCY", 4)
# Statistics cells below this count are suppressed everywhere they are shown.
STATS_SUPPRESSION_THRESHOLD = env_int("STATS_SUPPRESSION_THRESHOLD", 3)
# A window is flagged to the admins for review when, over the last OUTCOMES_REVIEW_DAYS, at
# least OUTCOMES_REVIEW_MIN_REFERRALS of its concluded referrals were declined by it or never
# reached it, and those were at least OUTCOMES_REVIEW_SHARE percent of them.
OUTCOMES_REVIEW_DAYS = env_int("OUTCOMES_REVIEW_DAYS", 365)
OUTCOMES_REVIEW_MIN_REFERRALS = env_int("OUTCOMES_REVIEW_MIN_REFERRALS", 5)
OUTCOMES_REVIEW_SHARE = env_int("OUTCOMES_REVIEW_SHARE", 50)

# Retention (retention/services.py): a nightly sweep shreds and deletes what is due, in
# batches of this many cases, at most this many batches of each kind per run.
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 200)
RETENTION_MAX_BATCHES = env_int("RETENTION_MAX_BATCHES", 50)
RETENTION_SWEEP_HOURS = env_int("RETENTION_SWEEP_HOURS", 1)
# Legal clocks (deadlines/services.py): the warning mails of the day, each sent once; run
# hourly in the desks' hours so a clock recorded late in the day still warns that day.
CELERY_BEAT_SCHEDULE["send-clock-warnings"] = {
    "task": "deadlines.tasks.send_clock_warnings",
    "schedule": crontab(minute=5, hour="8-19"),
}
CELERY_BEAT_SCHEDULE["sweep-retention"] = {
    "task": "retention.tasks.sweep_retention",
    "schedule": RETENTION_SWEEP_HOURS * 3600,
    "options": {"expires": RETENTION_SWEEP_HOURS * 3600},
}

# Urgent alerts (cases/tasks.py) whose task never ran — the broker was down when the case was
# saved, or the retries ran out — are queued again within a minute or two.
CELERY_BEAT_SCHEDULE["sweep-urgent-alerts"] = {
    "task": "cases.tasks.sweep_urgent_alerts",
    "schedule": 60,
    "options": {"expires": 60},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; the audit trail records them already.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
