"""One settings module for every environment, configured from the environment.

Development needs nothing: SQLite under var/, local-memory cache, DEBUG on only when
DJANGO_DEBUG says so (``make run`` does). Production sets DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL; a missing secret key with DEBUG off stops start-up.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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
    "intloffice",
    "partners",
    "news",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: a page served from the cache gets its header too.
    "intloffice.csp.CSPMiddleware",
    # An ETag from each page's content: a repeat request for an unchanged page gets 304.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before sessions and authentication: a cached page costs neither.
    "intloffice.page_cache.PageCacheMiddleware",
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
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures for one username from one address lock that pair out for
# 15 minutes; a colleague's typos behind the same address lock out nobody else.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0")) or None
AXES_VERBOSE = False
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
                "intloffice.context_processors.site",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when CACHE_URL or REDIS_URL is set, else local memory.
_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "intloffice.cache.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "intloffice"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole public pages for anonymous readers (intloffice/page_cache.py); 0 turns it off.
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Who logged in, failed to, published or unpublished what, and when.
    "loggers": {"intloffice.audit": {"level": "INFO"}},
}

# Security: HTTPS, cookies and headers. With DEBUG off the defaults are those of a site
# served over HTTPS; a plain-HTTP intranet or a local benchmark turns the HTTPS parts off
# with DJANGO_SSL_REDIRECT=0, DJANGO_HSTS_SECONDS=0 and DJANGO_SECURE_COOKIES=0.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# X-Forwarded-Proto is anyone's to send: believed only behind a declared reverse proxy,
# which must overwrite it (nginx: proxy_set_header X-Forwarded-Proto $scheme).
if env_int("DJANGO_PROXY_COUNT", 0) > 0:
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
# also come from the object storage that holds uploads (added by intloffice/csp.py), and
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
# The admin (intloffice/csp.py): the same, with three exceptions, each allowing one known
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
