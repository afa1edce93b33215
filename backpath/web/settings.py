"""Django settings: one file that works on clone and fails closed.

SQLite (WAL) in the data directory by default; PostgreSQL when DATABASE_URL says so.
DEBUG is off unless asked for. The secret key comes from the environment; only the demo and
the test suite may run without one, and each says so explicitly: the demo sets BACKPATH_DEMO,
the test suite BACKPATH_TESTING (see below). Secrets can also come from files (NAME_FILE), and
every value is checked here, at start-up, rather than failing later in a request.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_int(name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number within [minimum, maximum]; digits only (no '5_000', '1e3' or '2.0')."""
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    if re.fullmatch(r"-?[0-9]+", raw.strip()):
        value = int(raw.strip())
        if minimum <= value <= maximum:
            return value
    raise ImproperlyConfigured(f"{name} must be a whole number {minimum}-{maximum}, got {raw!r}")


def _env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file NAME_FILE names (Docker and Kubernetes secrets).

    The file's content is used with its trailing newline(s) removed. Giving both is an error, as
    is a file that cannot be read or is empty. Messages name the variable and the path, never
    the secret. An empty NAME counts as not given.
    """
    file_name = f"{name}_FILE"
    value = os.environ.get(name, "")
    path = os.environ.get(file_name, "")
    if not path:
        return value or default
    if value:
        raise ImproperlyConfigured(f"set {name} or {file_name}, not both")
    try:
        content = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ImproperlyConfigured(f"{file_name}: cannot read {path!r} ({reason})") from None
    except UnicodeDecodeError:
        raise ImproperlyConfigured(f"{file_name}: {path!r} is not UTF-8 text") from None
    content = content.rstrip("\r\n")
    if not content:
        raise ImproperlyConfigured(f"{file_name}: {path!r} is empty")
    return content


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
# All state lives in one data directory: database, generated files, the outbox.
DATA_DIR = Path(os.environ.get("BACKPATH_DATA_DIR") or Path.cwd() / "var").resolve()
OUTBOX_DIR = DATA_DIR / "outbox"
# Licensed questionnaire wording a clinic adds (see backpath.care.questionnaires).
WORDING_DIR = Path(os.environ.get("BACKPATH_WORDING_DIR") or DATA_DIR / "wording").resolve()

DEBUG = _env_bool("BACKPATH_DEBUG", default=False)
# Only an explicit flag loosens security: BACKPATH_DEMO (set by `backpath demo`) or
# BACKPATH_TESTING (set by pytest-env from [tool.pytest.ini_options] in pyproject.toml, before
# pytest-django imports this module). Nothing guesses from the process, e.g. from pytest being
# imported: a production process may import pytest through some plugin and must still fail
# closed.
# The demo's database (its patients are made up): `backpath generate` may add to it.
BACKPATH_DEMO = _env_bool("BACKPATH_DEMO", default=False)
_INSECURE_ALLOWED = BACKPATH_DEMO or _env_bool("BACKPATH_TESTING", default=False)
# Public (it is in the source): `check --deploy` refuses it (backpath/web/checks.py).
DEMO_SECRET_KEY = "backpath-demo-only-not-secret-" + "x" * 40
BACKPATH_INSECURE_ALLOWED = _INSECURE_ALLOWED
SECRET_KEY = _env_secret("BACKPATH_SECRET_KEY")
if not SECRET_KEY:
    if not (_INSECURE_ALLOWED or DEBUG):
        raise ImproperlyConfigured("set BACKPATH_SECRET_KEY (a long random string)")
    SECRET_KEY = DEMO_SECRET_KEY

ALLOWED_HOSTS = _env_list("BACKPATH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("BACKPATH_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "backpath.accounts",
    "backpath.auditlog",
    "backpath.care",
    "backpath.programs",
    "backpath.learning",
    "backpath.prevention",
    "backpath.followup",
    "backpath.reminders",
    "backpath.privacy",
    "backpath.api",
    "backpath.quality",
    "backpath.web",
    # django-ninja: its bundled Swagger UI (static files, no CDN) for the API's docs page.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First to see the answer after every other: it compresses the page they made.
    "backpath.web.middleware.CompressedPages",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "backpath.accounts.two_factor.second_step",
    "backpath.auditlog.context.access_context",
    "backpath.web.middleware.user_language",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backpath.accounts.sessions.staff_idle_timeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "backpath.web.middleware.security_headers",
    # Answers a locked-out login with the lockout page (axes recommends it last).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backpath.web.urls"
WSGI_APPLICATION = "backpath.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backpath.accounts.sessions.idle_seconds",
                "backpath.web.context.patient_navigation",
            ],
        },
    },
]

# The database URL may carry the password, so it is a secret too (DATABASE_URL_FILE).
_DATABASE_URL = _env_secret("DATABASE_URL")
if not _DATABASE_URL:
    # The embedded default keeps its database in the data directory; make it on first use.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
_sqlite_path = DATA_DIR / "backpath.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(_DATABASE_URL, conn_max_age=60)
    if _DATABASE_URL
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _sqlite_path,
        "OPTIONS": {
            # WAL lets readers work while one request writes; IMMEDIATE avoids lock upgrades
            # failing halfway through a form's transaction.
            # WAL with synchronous=FULL: a committed write survives a power cut (NORMAL
            # can lose the last ones), at the price of an fsync per commit.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A worker keeps its connection (as on PostgreSQL) rather than opening the file and
        # running the PRAGMAs again for every request. Safe here: each process or thread has
        # its own connection, WAL lets them read side by side, and every write still commits
        # (and fsyncs) at once. The demo's development server starts a thread per request,
        # so there it changes nothing.
        "CONN_MAX_AGE": 60,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # The breached-password check, offline: Django's bundled list of the 20,000 passwords
    # most common in published breaches (no call to an outside service).
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a login while the account or the address is locked out, before the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute force (ASVS 2.2.1): after 5 failed logins an account, and separately an address, is
# locked for 15 minutes (each further try restarts the wait); the clinic admin unlocks a
# member on the team page, an operator with `backpath axes_reset_username EMAIL`.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "backpath.accounts.lockout.typed_username"
AXES_CLIENT_IP_CALLABLE = "backpath.auditlog.context.client_address"
AXES_DISABLE_ACCESS_LOG = True  # logins are in backpath's own access log
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "backpath"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # three days, for invitations and resets alike

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The demo and tests serve straight from the packages; production runs collectstatic.
WHITENOISE_USE_FINDERS = _INSECURE_ALLOWED or DEBUG
STATIC_ROOT = None if WHITENOISE_USE_FINDERS else DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if WHITENOISE_USE_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "files"

# Email goes to the console and to files in the outbox unless an SMTP host is configured.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("BACKPATH_EMAIL_HOST")
    else "backpath.web.mail.ConsoleAndFileBackend"
)
EMAIL_HOST = os.environ.get("BACKPATH_EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("BACKPATH_EMAIL_PORT", default=587, minimum=1, maximum=65535)
EMAIL_HOST_USER = _env_secret("BACKPATH_EMAIL_USER")
EMAIL_HOST_PASSWORD = _env_secret("BACKPATH_EMAIL_PASSWORD")
EMAIL_USE_TLS = _env_bool("BACKPATH_EMAIL_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("BACKPATH_FROM_EMAIL", "backpath <noreply@backpath.local>")
# Links in mail sent without a request (alerts, reminders) start with this address.
SITE_URL = os.environ.get("BACKPATH_SITE_URL", "http://localhost:8000")
EMAIL_FILE_PATH = OUTBOX_DIR

# The scheduled jobs' Redis (backpath/celery.py). Its URL may carry a password: a secret too
# (BACKPATH_CELERY_BROKER_FILE). Task results go to the same Redis.
CELERY_BROKER_URL = _env_secret("BACKPATH_CELERY_BROKER", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL

# Security: secure cookies and HSTS whenever not running the local demo over plain HTTP.
_HTTPS = _env_bool("BACKPATH_HTTPS", default=not (_INSECURE_ALLOWED or DEBUG))
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
# A reverse proxy's X-Forwarded-Proto and X-Forwarded-For are believed only when the
# operator says one sets them; otherwise any client could claim HTTPS or another address.
BACKPATH_PROXY_HEADERS = _env_bool("BACKPATH_PROXY_HEADERS", default=False)
BACKPATH_PROXY_HEADERS_SET = "BACKPATH_PROXY_HEADERS" in os.environ
if BACKPATH_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
# Staff are logged out after this long without activity (ASVS 3.3.2: 30 minutes).
BACKPATH_STAFF_IDLE_SECONDS = _env_int(
    "BACKPATH_STAFF_IDLE_SECONDS", default=30 * 60, minimum=5 * 60, maximum=12 * 60 * 60
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The access log (NEN 7513) keeps entries this long; `backpath auditlog prune` removes older.
BACKPATH_AUDIT_RETENTION_DAYS = _env_int(
    "BACKPATH_AUDIT_RETENTION_DAYS", default=5 * 365, minimum=365, maximum=100 * 365
)

# Health data never appears in logs: requests are logged without bodies or query strings,
# and error reports carry no local variables.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "backpath": {"handlers": ["console"], "level": "INFO"},
    },
}
