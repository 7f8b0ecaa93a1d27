"""Django settings of the taizhang ledger service.

Everything comes from the environment, with defaults that let ``taizhang serve`` run on a bare machine:

- ``TAIZHANG_HOME``: data directory (SQLite database, secret key, media). Default ``~/.local/share/taizhang``,
  or ``./var`` when the home directory is not writable.
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/db``; default SQLite at ``$TAIZHANG_HOME/taizhang.sqlite3``.
- ``TAIZHANG_SECRET_KEY``: else a key generated once into ``$TAIZHANG_HOME/secret_key``.
- ``TAIZHANG_AUDIT_KEY``: the audit chain's HMAC key; else a key generated once into ``$TAIZHANG_HOME/audit_key``.
  The chain's anchor (event count and last hash, with a MAC) is kept in ``$TAIZHANG_HOME/audit_anchor.json``.

Everything the service writes into ``TAIZHANG_HOME`` is private: files 0600, folders 0700, whatever the umask.
- ``TAIZHANG_DEBUG``, ``TAIZHANG_ALLOWED_HOSTS`` (comma separated), ``TAIZHANG_WARNING_DAYS`` (default 15).
- ``TAIZHANG_EMAIL_HOST`` / ``_PORT`` / ``_USER`` / ``_PASSWORD`` / ``_USE_TLS`` / ``TAIZHANG_EMAIL_FROM``:
  SMTP for ``taizhang remind``; without a host, mail goes to the console backend.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from taizhang import limits
from taizhang.fileio import PRIVATE_DIR, PRIVATE_FILE, private_dir, private_file


def _home() -> Path:
    env = os.environ.get("TAIZHANG_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        path = Path.home() / ".local" / "share" / "taizhang"
        try:
            private_dir(path)
        except OSError:
            path = Path.cwd() / "var"
    return private_dir(path)


def _secret_key(home: Path) -> str:
    env = os.environ.get("TAIZHANG_SECRET_KEY")
    if env:
        return env
    key_file = home / "secret_key"
    if not key_file.exists():
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
    os.chmod(key_file, PRIVATE_FILE)  # also a key written by an older version with the umask's mode
    return key_file.read_text().strip()


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


BASE_DIR = Path(__file__).resolve().parent
TAIZHANG_HOME = _home()
SECRET_KEY = _secret_key(TAIZHANG_HOME)
DEBUG = _bool("TAIZHANG_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("TAIZHANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "taizhang.service.ledger",
    "taizhang.service.web",
]

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
    # last: turns a login refused by the throttle into the lockout page (taizhang.service.logins)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "taizhang.service.urls"
WSGI_APPLICATION = "taizhang.service.wsgi.application"

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
            ],
        },
    },
]

_SQLITE_PATH = TAIZHANG_HOME / "taizhang.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0)}
else:
    # created empty and private before SQLite first opens it; SQLite gives -wal/-shm/-journal the same mode
    private_file(_SQLITE_PATH)
    for _side in ("-wal", "-shm", "-journal"):
        if Path(f"{_SQLITE_PATH}{_side}").exists():
            os.chmod(f"{_SQLITE_PATH}{_side}", PRIVATE_FILE)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_SQLITE_PATH),
            # Writers take the lock at BEGIN and wait for each other instead of failing at once.
            "OPTIONS": {},
            # A file (not :memory:) so that threads in the concurrency tests share one database.
            "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"taizhang-test-{os.getpid()}.sqlite3")},
        }
    }

# Every SQLite database (the embedded default, or a sqlite:/// DATABASE_URL): writers take the lock at BEGIN and
# wait for each other instead of failing at once; pages are read through a memory map (an upper bound, not an
# allocation), so that a new connection does not start from an empty page cache (benchmarks/ledger.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 60, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA mmap_size=1073741824"})

# Connections are kept between requests (per server thread, checked before reuse): a new PostgreSQL connection
# costs a backend process and cold catalogue caches (slower planning of every query), a new SQLite connection
# an empty page cache. TAIZHANG_DB_CONN_MAX_AGE=0 closes them after every request.
# PostgreSQL: no parallel workers for a web request (TAIZHANG_PG_PARALLEL_WORKERS to allow them). Starting them
# costs more than they save on the ledger's queries, and under concurrent requests they compete for the same
# cores (benchmarks/ledger.py: "unit + lead" p50 94 ms with two workers, 58 ms without, on 2 cores).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _workers = int(os.environ.get("TAIZHANG_PG_PARALLEL_WORKERS", "0"))
    # and no JIT compilation: it starts on the estimated cost alone and takes longer than the queries it compiles
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={_workers} -c jit=off")

DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("TAIZHANG_DB_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's four rules, with the messages in Chinese (taizhang.service.passwords); initial passwords made by the
# service (``taizhang user add``, ``serve``, 重置密码) are checked against them too.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"taizhang.service.passwords.{name}"}
    for name in ("UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                 "NumericPasswordValidator")
]

# Sessions: one working day from login (TAIZHANG_SESSION_HOURS, default 10), and by default the cookie also
# ends when the browser closes (TAIZHANG_SESSION_BROWSER_CLOSE=0 keeps it for the whole lifetime): office PCs
# are often shared. The server-side expiry is the lifetime either way.
SESSION_COOKIE_AGE = int(float(os.environ.get("TAIZHANG_SESSION_HOURS", "10")) * 3600) or 10 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = _bool("TAIZHANG_SESSION_BROWSER_CLOSE", True)

# HTTPS (TAIZHANG_HTTPS=1, when the service is reached over https://, directly or through a proxy): HSTS, cookies
# sent over HTTPS only, and a redirect of plain HTTP to HTTPS, so that ``check --deploy`` is clean. HSTS tells
# browsers to refuse plain HTTP to this host for TAIZHANG_HSTS_SECONDS (default one year): turn it on only
# once HTTPS works, and shorten it while trying. Behind a reverse proxy that ends TLS, TAIZHANG_BEHIND_PROXY=1
# trusts its X-Forwarded-Proto (the proxy must set it and drop the client's own) and takes the client address
# for the login throttling from X-Forwarded-For (TAIZHANG_PROXY_COUNT proxies, default 1).
TAIZHANG_HTTPS = _bool("TAIZHANG_HTTPS")
TAIZHANG_BEHIND_PROXY = _bool("TAIZHANG_BEHIND_PROXY")
if TAIZHANG_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("TAIZHANG_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("TAIZHANG_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _bool("TAIZHANG_HSTS_PRELOAD", True)  # only a flag: nothing is submitted anywhere
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if TAIZHANG_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = TAIZHANG_HOME / "static"
private_dir(STATIC_ROOT)
# Static files are served by whitenoise straight from the installed package (no collectstatic, no CDN).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# files served at the site's root: the favicon every browser asks for (/favicon.ico)
WHITENOISE_ROOT = BASE_DIR / "web" / "root"
MEDIA_ROOT = TAIZHANG_HOME / "media"
private_dir(MEDIA_ROOT)
MEDIA_URL = "/media/"  # never served publicly: evidence is downloaded through permission-checked views
# stored files (originals, evidence, monitoring data) and their folders are private whatever the umask
FILE_UPLOAD_PERMISSIONS = PRIVATE_FILE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = PRIVATE_DIR
# The audit chain's key (kept out of the database) and its anchor (see taizhang.service.ledger.audit).
TAIZHANG_AUDIT_KEY_FILE = TAIZHANG_HOME / "audit_key"
TAIZHANG_AUDIT_ANCHOR = TAIZHANG_HOME / "audit_anchor.json"
# a request body that is not a file (JSON, form fields) is never larger than the largest upload (taizhang.limits);
# an uploaded file over 10 MB is spooled to a temporary file instead of memory
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.largest_upload()
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# and a file past the largest upload is cut off as it arrives (the services then refuse it by its bound)
FILE_UPLOAD_HANDLERS = [
    "taizhang.service.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Login throttling (django-axes, taizhang.service.logins): failures counted per account and per address; at
# TAIZHANG_LOGIN_FAILURE_LIMIT either one is refused, the right password included, until
# TAIZHANG_LOGIN_COOLOFF_MINUTES have passed since the last failure or the office unlocks it.
AUTHENTICATION_BACKENDS = [
    "taizhang.service.logins.ThrottledLogins",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("TAIZHANG_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("TAIZHANG_LOGIN_COOLOFF_MINUTES", "30")))
_LOCK_BY = {"account": "username", "address": "ip_address"}
AXES_LOCKOUT_PARAMETERS = [_LOCK_BY[w.strip()] for w in os.environ.get("TAIZHANG_LOGIN_LOCK_BY", "account,address")
                           .split(",") if w.strip() in _LOCK_BY] or ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "taizhang.service.logins.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a success from a shared address must not wipe the failures of other accounts
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
if TAIZHANG_BEHIND_PROXY:
    AXES_IPWARE_PROXY_COUNT = int(os.environ.get("TAIZHANG_PROXY_COUNT", "1"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# API tokens (django-rest-knox): stored as SHA-512 digests, valid TAIZHANG_TOKEN_TTL_HOURS (default 24) from
# issue, deleted when the user's password changes or the user is deactivated (taizhang.service.tokens).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(os.environ.get("TAIZHANG_TOKEN_TTL_HOURS", "24")) or 24),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Content-Security-Policy (django-csp): every script and stylesheet comes from this site's own files (static/web/,
# served by whitenoise); no inline script, no inline style, no style attribute, nothing from another origin,
# no plug-ins, no framing. The Swagger UI page adds data: images for its icons (taizhang.service.api.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

REST_FRAMEWORK = {
    # the token first: a request without valid credentials is then answered 401 with
    # "WWW-Authenticate: Token" (DRF takes that header from the first class; the session class has none, which
    # turned every missing or expired token into a 403 that clients could not tell from a refusal)
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["taizhang.service.api.permissions.LedgerViewer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "taizhang.service.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "台账 API",
    "DESCRIPTION": "taizhang ledger service: documents, tasks, progress reports, targets",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package: served by the app itself, no CDN (intranet deployments)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # ids in paths: digits that fit a 64-bit column (taizhang.service.api.schema.IdConverter)
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999}},
    # every operation's error responses, JSON {"detail": …} (taizhang.service.api.schema)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "taizhang.service.api.schema.add_error_responses"],
    # three models have a "state" and two a "kind" with their own choices: each its own enum name in the schema
    "ENUM_NAME_OVERRIDES": {
        "DocumentStateEnum": "taizhang.service.ledger.models.Document.State",
        "TaskStateEnum": "taizhang.service.ledger.models.Task.State",
        "DeadlineChangeStateEnum": "taizhang.service.ledger.models.DeadlineChangeRequest.State",
        "TaskKindEnum": "taizhang.service.ledger.models.Task.Kind",
        "OrganisationKindEnum": "taizhang.service.ledger.models.Organisation.Kind",
    },
}

# Supervision: the yellow-light window (days before a deadline); the database setting overrides it.
TAIZHANG_WARNING_DAYS = int(os.environ.get("TAIZHANG_WARNING_DAYS", "15"))
TAIZHANG_NOTIFIER = os.environ.get("TAIZHANG_NOTIFIER", "email")

if os.environ.get("TAIZHANG_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["TAIZHANG_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("TAIZHANG_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("TAIZHANG_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("TAIZHANG_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _bool("TAIZHANG_EMAIL_USE_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("TAIZHANG_EMAIL_FROM", "taizhang@localhost")

# A refusal (403, 404, a bad request) is logged as one line, without the traceback Django attaches to it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal": {"()": "taizhang.service.logfilters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusal"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
CSRF_FAILURE_VIEW = "taizhang.service.web.views.errors.csrf_failure"
