"""One settings module for every environment, configured from the environment.

Development needs nothing: SQLite under var/, local-memory cache, DEBUG on only when
DJANGO_DEBUG says so (``make run`` does). Production sets DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL; a missing secret key with DEBUG off stops start-up.

Longer than most modules: one settings module is the design (DESIGN.md), each setting
with the reason for its value.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from intloffice.core import logs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment, or set DJANGO_DEBUG=1 "
            "for local development."
        )
    # Only reachable with DEBUG on: a throwaway key per process, never a shared one.
    SECRET_KEY = "insecure-development-only-" + os.urandom(16).hex()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_countries",
    "django_prose_editor",
    "reversion",
    "reversion_compare",
    "axes",
    "csp",
    "sorl.thumbnail",
    # Only for its static files and templates: the API's documentation page (Swagger UI)
    # is served from this site, not from a CDN.
    "ninja",
    "intloffice.core",
    "partners",
    "agreements",
    "pages",
    "news",
    "intloffice.website",
]

MIDDLEWARE = [
    # First: every log line of a request, from any middleware, carries the request's id.
    "intloffice.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: a page served from the cache gets its header too.
    "intloffice.core.csp.CSPMiddleware",
    # An ETag from each page's content: a repeat request for an unchanged page gets 304.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before sessions and authentication: a cached page costs neither.
    "intloffice.core.freshness.PageCacheMiddleware",
    # Inside the page cache: a page a failed replica read is rendered again from the
    # primary passes the cache once, with the state it read. Only with a replica.
    "intloffice.core.replicas.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with a limit on failed logins per address (password spraying).
    "intloffice.core.logins.AddressLimitedBackend",
]
# Login throttling: 5 failures for one username from one address lock that pair out for
# 15 minutes; a colleague's typos behind the same address lock out nobody else.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "intloffice.core.logins.lockout_response"
# Across usernames: after 30 failures in an hour from one address, only accounts that
# have signed in from that address in the last 90 days may still try (intloffice/core/logins.py).
LOGIN_FAILURES_PER_ADDRESS = env_int("DJANGO_LOGIN_FAILURES_PER_ADDRESS", 30)
KNOWN_ADDRESS_DAYS = 90
# The client's address is the peer's, unless DJANGO_PROXY_COUNT reverse proxies are
# declared: then it is the one they appended to X-Forwarded-For. (axes would read it
# with django-ipware, which is not installed, and which without a declared proxy believes
# whatever X-Forwarded-For a client sends.)
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "intloffice.core.audit.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed login kept, for the audit trail

ROOT_URLCONF = "intloffice.urls"
WSGI_APPLICATION = "intloffice.wsgi.application"

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
                "intloffice.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'intloffice.sqlite3'}",
        conn_max_age=600,
        # A kept connection is tried before each request uses it: after a PostgreSQL
        # restart the first request of each worker reconnects instead of failing
        # (make faults: 0 errors; without this, one 500 per worker).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the importer writes; IMMEDIATE transactions and a busy
    # timeout turn "database is locked" into a short wait.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer (rather than refuses) fails a request in
    # seconds instead of holding the worker until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# A PostgreSQL streaming replica for anonymous readers (intloffice/core/replicas.py says
# what goes where). It holds the primary's data, so tests point it at the primary's test
# database (MIRROR). Reads go to the primary for this many seconds after any change to
# content, and whenever the replica lags by more.
REPLICA_CATCH_UP_SECONDS = env_int("DJANGO_REPLICA_CATCH_UP_SECONDS", 5)
DATABASE_ROUTERS = []
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=600, conn_health_checks=True
        ),
        "TEST": {"MIRROR": "default"},
    }
    # A replica that does not answer is skipped after one try (libpq's shortest wait).
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASE_ROUTERS = ["intloffice.core.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when CACHE_URL or REDIS_URL is set, else local memory.
_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "intloffice.core.cache.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "intloffice"),
            # The site works without the cache (intloffice/core/cache.py fails open): a Redis
            # that does not answer may cost a request half a second, then is skipped for
            # a few seconds, rather than stall every request.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, never in the cache: a cache outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Whole public pages for anonymous readers (intloffice/core/freshness.py); 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English is the default and the fallback for missing translations.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Moscow"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ru", "zh-hans")
# English first, then the other languages: an article written only in Russian still
# shows its Russian text on /zh-hans/ rather than nothing.
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", "ru", "zh-hans"),
    "en": ("ru", "zh-hans"),
    "ru": ("en", "zh-hans"),
    "zh-hans": ("en", "ru"),
}
# The tabbed translation admin needs jQuery UI; serve it ourselves (editors in China
# cannot reach Google's CDN).
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Files that must never be public (signed copies of agreements): outside MEDIA_ROOT, which
# the media view, nginx and the bucket serve; only permission-checked admin views read them
# (intloffice/core/private_files.py). Several app servers need it on a shared volume.
PRIVATE_ROOT = Path(os.environ.get("DJANGO_PRIVATE_ROOT", VAR_DIR / "private"))
# Every stored name is content-unique (a random name per upload, sorl's renditions named
# from it), so browsers and proxies may keep a file for a year without asking again.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def media_storage(env) -> dict:
    """The storage of uploads and their renditions (sorl-thumbnail uses it too), from the
    environment: the local disk (intloffice/core/media.py serves it, or nginx in front), or
    S3-compatible object storage that every app server shares."""
    kind = env.get("DJANGO_MEDIA_STORAGE") or (
        "s3" if env.get("AWS_STORAGE_BUCKET_NAME") else "filesystem"
    )
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(
            f"DJANGO_MEDIA_STORAGE={kind!r}: use 'filesystem' (the default) or 's3'."
        )
    if not env.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    from botocore.config import Config

    # Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an instance role),
    # read by django-storages and boto3 themselves, so they never sit in settings.
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": env.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": env.get("AWS_S3_ADDRESSING_STYLE") or None,
            "custom_domain": env.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": env.get("AWS_S3_URL_PROTOCOL") or "https:",
            "location": env.get("AWS_LOCATION", ""),
            "default_acl": env.get("AWS_DEFAULT_ACL") or None,
            # Public images at plain URLs: a signed URL would expire inside cached pages.
            "querystring_auth": False,
            "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
            # An unreachable endpoint fails a request (and the readiness probe) in
            # seconds, not after botocore's default minute-long connect timeout.
            "client_config": Config(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }


STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SITE_NAME = _("International Office")
SITE_UNIVERSITY = _("Peter the Great St. Petersburg Polytechnic University")
# The university the office belongs to, by its organisation's slug: shown as "us" (on its
# own page, apart from the partners), never as one of the partners.
SITE_HOST_ORGANIZATION = os.environ.get("DJANGO_SITE_HOST_ORGANIZATION", "spbpu")
# The office's contacts in every page's footer. The defaults are SPbPU's International
# Office, translated with the interface; a value set in the environment is shown as written.
OFFICE_ADDRESS = os.environ.get("DJANGO_OFFICE_ADDRESS") or _(
    "29 Polytechnicheskaya Street, St. Petersburg 195251, Russia"
)
OFFICE_EMAIL = os.environ.get("DJANGO_OFFICE_EMAIL", "international@spbstu.ru")
OFFICE_PHONE = os.environ.get("DJANGO_OFFICE_PHONE", "+7 812 297-16-16")
OFFICE_HOURS = os.environ.get("DJANGO_OFFICE_HOURS") or _(
    "Monday to Friday, 9:00–17:00 (Moscow time)"
)
UNIVERSITY_WEBSITE = os.environ.get("DJANGO_UNIVERSITY_WEBSITE", "https://www.spbstu.ru/")

# The host university's mobility factsheet in the Erasmus Without Paper format
# (/ewp/factsheet, partners/ewp.py): when incoming students' nominations and applications
# must arrive (month-day, for the autumn and the spring term), within how many weeks the
# university decides and issues the transcript of records, and the pages students read on
# applying, housing, visas and insurance (the university's website unless set).
EWP_FACTSHEET = {
    "nominations_autumn": os.environ.get("DJANGO_EWP_NOMINATIONS_AUTUMN", "05-15"),
    "nominations_spring": os.environ.get("DJANGO_EWP_NOMINATIONS_SPRING", "10-15"),
    "applications_autumn": os.environ.get("DJANGO_EWP_APPLICATIONS_AUTUMN", "06-01"),
    "applications_spring": os.environ.get("DJANGO_EWP_APPLICATIONS_SPRING", "11-01"),
    "decision_weeks": env_int("DJANGO_EWP_DECISION_WEEKS", 5),
    "tor_weeks": env_int("DJANGO_EWP_TOR_WEEKS", 5),
    "application_url": os.environ.get("DJANGO_EWP_APPLICATION_URL") or UNIVERSITY_WEBSITE,
    "housing_url": os.environ.get("DJANGO_EWP_HOUSING_URL") or UNIVERSITY_WEBSITE,
    "visa_url": os.environ.get("DJANGO_EWP_VISA_URL") or UNIVERSITY_WEBSITE,
    "insurance_url": os.environ.get("DJANGO_EWP_INSURANCE_URL") or UNIVERSITY_WEBSITE,
}

# Machine drafts of translations (intloffice/core/machine_translation.py): none unless a
# backend's dotted path is set, e.g. intloffice.core.machine_translation.LibreTranslateBackend
# with the address of a self-hosted LibreTranslate server. The key stays in the environment.
INTLOFFICE_TRANSLATION_BACKEND = os.environ.get("DJANGO_TRANSLATION_BACKEND", "").strip() or None
INTLOFFICE_TRANSLATION_OPTIONS = {
    "url": os.environ.get("DJANGO_TRANSLATION_URL", "").strip(),
    "api_key": os.environ.get("DJANGO_TRANSLATION_API_KEY", ""),
    "timeout": env_int("DJANGO_TRANSLATION_TIMEOUT", 60),
}

# Logs and error reports (intloffice/core/logs.py). Errors go to Sentry when SENTRY_DSN is set,
# else by mail to DJANGO_ADMINS ("Name <address>, ...") through EMAIL_URL.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    logs.init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
    )
ADMINS = logs.parse_admins(os.environ.get("DJANGO_ADMINS", ""))
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "intloffice@localhost")
if os.environ.get("EMAIL_URL"):
    globals().update(logs.email_settings(os.environ["EMAIL_URL"]))
elif DEBUG:
    # Development: the workflow's mails to authors and publishers appear in the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The site's address, for links in mails sent by commands, which have no request to take it
# from (agreements_due's reminders): "https://international.example.edu".
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
# A WebSub hub (intloffice/core/websub.py): the feeds name it, and publishing tells it which
# feeds changed, so that readers subscribed through it hear at once. Empty: no hub. The
# hub is told the feeds' addresses under SITE_URL, which the feeds also give as their own.
INTLOFFICE_WEBSUB_HUB = os.environ.get("DJANGO_WEBSUB_HUB", "").strip()
if INTLOFFICE_WEBSUB_HUB and not INTLOFFICE_WEBSUB_HUB.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"DJANGO_WEBSUB_HUB must be an http(s) address, not {INTLOFFICE_WEBSUB_HUB!r}."
    )
if INTLOFFICE_WEBSUB_HUB and not SITE_URL:
    raise ImproperlyConfigured(
        "DJANGO_WEBSUB_HUB needs DJANGO_SITE_URL: the hub is told the feeds' full addresses."
    )
# The sender of the workflow's mails (news/notifications.py).
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", SERVER_EMAIL)
LOGGING = logs.logging_config(
    os.environ.get("DJANGO_LOG_FORMAT", "plain"),
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    mail_admins=not SENTRY_DSN,
)

# Security: HTTPS, cookies and headers. With DEBUG off the defaults are those of a site
# served over HTTPS; a plain-HTTP intranet or a local benchmark turns the HTTPS parts off
# with DJANGO_SSL_REDIRECT=0, DJANGO_HSTS_SECONDS=0 and DJANGO_SECURE_COOKIES=0.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# X-Forwarded-Proto is anyone's to send: believed only behind a declared reverse proxy,
# which must overwrite it (nginx: proxy_set_header X-Forwarded-Proto $scheme).
if PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    # A load balancer probes over plain HTTP and must not be sent to HTTPS.
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole registrable domain (the university's, not ours) to
        # HTTPS for good: a decision for its owner, so not asking for it is no warning.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    if SESSION_COOKIE_SECURE:
        # __Host-: the browser takes these cookies only from HTTPS, for this host and path
        # "/", so a neighbouring subdomain cannot plant a session or a CSRF token.
        SESSION_COOKIE_NAME = "__Host-sessionid"
        CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy (django-csp): public pages run no script and no inline style of
# any kind (JSON-LD blocks are data, never executed, so script-src does not apply to them);
# no nonces either, since whole pages are cached and shared between readers. Images may
# also come from the object storage that holds uploads (added by intloffice/core/csp.py), and
# from the origins listed in DJANGO_CSP_IMG_SRC (images linked in article texts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *env_list("DJANGO_CSP_IMG_SRC")],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The admin (intloffice/core/csp.py): the same, with three exceptions, each allowing one known
# piece of inline code and nothing else. The rich-text editor's (django-prose-editor's)
# import map is an inline script, run with the request's nonce (admin pages are never
# cached, so each response has its own); its Tiptap adds one fixed <style> element, and
# reversion-compare's history hides a radio button with style="visibility:hidden", both
# allowed by the hash of their text. An upgrade that changes them fails the admin browser
# tests (tests/browser/test_admin_flow.py), which report any violation.
ADMIN_STYLE_HASHES = [
    "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",  # Tiptap's <style>
    "'sha256-I/4Jcdrg5KNFrU0X4p2nNmjeGh9aI+9ac0cUllI5SwY='",  # visibility:hidden
]
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, NONCE],
        # 'unsafe-hashes' lets the hashes match style attributes too: only those listed.
        "style-src": [SELF, "'unsafe-hashes'", *ADMIN_STYLE_HASHES],
    }
}
