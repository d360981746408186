"""The portal's Django settings, read from the environment.

Safe by default: DEBUG off, secure cookies and HSTS unless the portal is served over
plain http on this computer (`make serve` says so with HALSOCENTER_HTTPS=0). Uploaded
workbooks never leave memory (see pipeline/web/privacy.py).

Environment:
- HALSOCENTER_SECRET_KEY: the secret key (production sets it); without it a key is
  generated once and kept in var/secret_key.
- DATABASE_URL: e.g. postgres://user:password@host/db; without it SQLite in var/.
- HALSOCENTER_ALLOWED_HOSTS: host names, comma-separated (default 127.0.0.1,localhost).
- HALSOCENTER_DEBUG=1: Django's debug pages (never in production).
- HALSOCENTER_HTTPS=0: plain http (only `make serve` on 127.0.0.1).
- HALSOCENTER_KONTAKT_EPOST: the address for accessibility problems (the statement).
- HALSOCENTER_PDF=0: no PDF of the report (by default one is made where LibreOffice is
  installed; it takes a few seconds per submission).
- HALSOCENTER_MALVARDEN: the region's targets (malvarden.csv) for /region/; default
  data/region/malvarden.csv, the file make compare reads (none: no target status).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

import dj_database_url
from csp.constants import NONE, SELF

from pipeline import config
from pipeline.web import privacy


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().casefold()
    if not value:
        return default
    return value in ("1", "true", "ja", "yes", "on")


def _secret_key() -> str:
    """The environment's key, or one generated per installation and kept in var/."""
    given = os.environ.get("HALSOCENTER_SECRET_KEY", "").strip()
    if given:
        return given
    path = config.PORTAL_DATA / "secret_key"
    if not path.exists():
        config.PORTAL_DATA.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"secret_key.{os.getpid()}.tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as key_file:
            key_file.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, path)  # the first process to get here wins; others read its key
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


BASE_DIR = config.ROOT
DEBUG = _flag("HALSOCENTER_DEBUG", False)
HTTPS = _flag("HALSOCENTER_HTTPS", not DEBUG)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("HALSOCENTER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

# The report as PDF too, where LibreOffice is installed on the server.
PORTAL_PDF = _flag("HALSOCENTER_PDF", True)

# The region's targets, as make compare reads them from its folder (absent: no targets).
PORTAL_TARGETS = os.environ.get("HALSOCENTER_MALVARDEN", "").strip() or str(
    config.REGION / "malvarden.csv"
)

# The accessibility statement's contact for reporting problems.
CONTACT_EMAIL = os.environ.get("HALSOCENTER_KONTAKT_EPOST", "").strip()

INSTALLED_APPS = [
    "pipeline.web.apps.PortalConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF reads the form): headers above still apply.
    "pipeline.web.privacy.request_size_limit",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "pipeline.web.urls"
WSGI_APPLICATION = "pipeline.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pipeline.web.views.role",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{config.PORTAL_DATA / 'portal.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite makes the file, not its folder (a fresh clone has no var/).
    config.PORTAL_DATA.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:start"
LOGOUT_REDIRECT_URL = "portal:login"

# Login throttling: ten failed logins in a row for one username lock it for 30 minutes.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pipeline.web.views.locked_out"
AXES_VERBOSE = False
# The lockout counts per username, as the portal promises. Counting per IP address too
# would lock every user out at once behind a proxy that hides their addresses.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Swedish, Swedish time.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# whitenoise serves the app's few static files straight from the package: no
# collectstatic step, no web server of its own needed.
WHITENOISE_USE_FINDERS = True

# Uploads: in memory only, never a temporary file; sizes checked in the form.
FILE_UPLOAD_HANDLERS = ["pipeline.web.privacy.InMemoryUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = privacy.MAX_FILE_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # the form's other fields
DATA_UPLOAD_MAX_NUMBER_FILES = privacy.MAX_FILES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
DEFAULT_EXCEPTION_REPORTER_FILTER = "pipeline.web.privacy.NoContentsReporterFilter"
ADMINS: list = []  # no error e-mails: they would carry the request

# Django's protections.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "pipeline.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    # Behind the HTTPS proxy (which redirects http to https and sets this header).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False

# No inline script or style, nothing from another server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

# Logs hold paths, status codes and user names; never a request body, a file or an
# exception's message (it may quote a cell).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_contents": {"()": "pipeline.web.privacy.NoExceptionText"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_contents"]}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
        "django.request": {"filters": ["no_contents"]},
    },
}
