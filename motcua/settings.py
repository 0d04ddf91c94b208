"""motcua settings: configuration only, every value from the environment (see .env.example)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.core.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    parse_database_url,
)

# Lets admin classes and querysets be subscripted (ModelAdmin[Agency]) for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if env_bool("USE_X_FORWARDED_PROTO", default=False):
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "motcua.core",
    "motcua.workcalendar",
    "motcua.org",
    "motcua.procedures",
    "motcua.dossiers",
    "motcua.notifications",
    "motcua.inspections",
    "motcua.tasks",
    "motcua.commitments",
    "motcua.legaldocs",
    "motcua.reports",
    "motcua.portal",
    "motcua.shell",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.api.middleware.ApiErrorShapeMiddleware",
    "motcua.api.middleware.ApiInputGuardMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"
ASGI_APPLICATION = "motcua.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.shell.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}")
    cfg = parse_database_url(url)
    db: dict[str, Any] = {"ENGINE": cfg.engine, "NAME": cfg.name}
    if cfg.engine.endswith("sqlite3"):
        if cfg.name != ":memory:":
            Path(cfg.name).parent.mkdir(parents=True, exist_ok=True)
        # Concurrent use: WAL lets readers run beside the writer; BEGIN IMMEDIATE takes the
        # write lock at the start of a transaction, so two writers queue on the busy
        # timeout instead of one failing with "database is locked" when it upgrades a
        # read lock in the middle of a transaction.
        db["OPTIONS"] = {
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", default=30, minimum=1),
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        return db
    db.update(USER=cfg.user, PASSWORD=cfg.password, HOST=cfg.host, PORT=cfg.port)
    options: dict[str, Any] = dict(cfg.options or {})
    if env_bool("DB_POOL", default=True):
        # Django's psycopg pool; CONN_MAX_AGE must stay 0 with it.
        options["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", default=1, minimum=0),
            "max_size": env_int("DB_POOL_MAX_SIZE", default=10, minimum=1),
            "timeout": env_int("DB_POOL_TIMEOUT", default=10, minimum=1),
        }
    db["OPTIONS"] = options
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Official"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of vi, en; got {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Printed forms (dossiers/printing.py): the DejaVu fonts embedded in the PDFs (Debian's
# fonts-dejavu-core), and the public address of the site, which their QR codes point to.
PDF_FONT_DIR = Path(env_str("MOTCUA_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"MOTCUA_PUBLIC_URL must start with http(s)://, got {PUBLIC_URL!r}")

API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", default=12, minimum=1)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "motcua@localhost")
# a slow mail server must not hold a request: delivery after commit gives up quickly and
# the send_notifications command retries
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=5, minimum=1)
SMS_BACKEND = env_str("SMS_BACKEND", "motcua.notifications.sms.LoggingBackend")
# Public rate limits (attempts per window; motcua/portal/limits.py explains each)
PORTAL_LOOKUP_PER_IP = env_int("PORTAL_LOOKUP_PER_IP", default=10, minimum=1)
PORTAL_LOOKUP_PER_CODE = env_int("PORTAL_LOOKUP_PER_CODE", default=5, minimum=1)
PORTAL_LOOKUP_WINDOW_SECONDS = env_int("PORTAL_LOOKUP_WINDOW_SECONDS", default=600, minimum=1)
PORTAL_REPORT_PER_IP = env_int("PORTAL_REPORT_PER_IP", default=5, minimum=1)
PORTAL_SUBMIT_PER_IP = env_int("PORTAL_SUBMIT_PER_IP", default=10, minimum=1)
PORTAL_UPLOAD_PER_IP = env_int("PORTAL_UPLOAD_PER_IP", default=60, minimum=1)
DOSSIER_FILE_MAX_BYTES = env_int("DOSSIER_FILE_MAX_MB", default=20, minimum=1) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # font subsetting of every printed form logs each glyph table at INFO
        "fontTools": {"level": "WARNING"},
    },
}
