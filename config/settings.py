"""The one settings file. Everything that differs between machines comes from the environment.

Two modes, chosen by what is set:
- embedded (no DATABASE_URL / REDIS_URL): SQLite and a file-system Celery broker under var/, so the
  quick start needs no server. Web, worker and beat still run as separate processes.
- production (DATABASE_URL and REDIS_URL set): PostgreSQL and Redis.
DEBUG=false (the default) turns on every HTTPS hardening that `manage.py check --deploy` asks for.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static

from connectors.spec import installed_erp_specs
from sandbox.installed import erp_sandbox_apps

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# The run command writes var/.env with generated keys on first start; real environment wins.
environ.Env.read_env(VAR_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Demo mode: a demo tenant, the sandbox systems mounted under /sandbox/, and loopback allowed
# as an outbound target (the SSRF guard refuses private addresses otherwise).
DEMO_MODE = env.bool("DEMO_MODE", default=False)
# The sandbox systems are served under /sandbox/ in demo mode (and in tests).
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=DEMO_MODE)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment (the run command generates one in var/.env)."
    )
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Salts for the credential encryption keys; the first encrypts, all decrypt (rotation).
SALT_KEY = env.list("SALT_KEY", default=[])
if not SALT_KEY:
    raise ImproperlyConfigured("SALT_KEY is not set: credentials cannot be encrypted without it.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address BigCommerce and the OAuth providers reach us at (webhook and redirect URLs).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The ERPs, in the order the admin offers them; each is found by its spec (spec.py). Adding an ERP
# is one line here: its sandbox app (sandbox/<kind>/), if it has one, is installed with it.
ERP_APPS = [
    "connectors.myob",
    "connectors.exact_online",
    "connectors.acumatica",
    "connectors.business_central",
    "connectors.syspro",
]

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files
    "csp",
    "django_celery_beat",
    "axes",
    "tenants",
    "connectors",
    *ERP_APPS,
    "sync",
    "reconciliation",
    "catalog",
    "audit",
    "webhooks",
    "alerts",
    "sandbox",
    "sandbox.bigcommerce",
    "sandbox.slack",  # Slack's incoming webhooks, for the alerts' tests and the demo
    *erp_sandbox_apps(ERP_APPS),  # sandbox/<kind>/ of each ERP that has one
]

MIDDLEWARE = [
    # /healthz answers before host checks and the HTTPS redirect (probes come by IP over HTTP).
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.request_memo.TenantMemoMiddleware",  # a page asks "which tenants?" once
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat share the file: wait for locks, take write locks up front.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests on the embedded backend: a file, not memory, so a worker process shares it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    # Off by default: a health check is one more round trip on every request, a fifth of webhook
    # intake's database time. A connection broken by a database restart then fails one request
    # per thread (BigCommerce redelivers; a page reload works) and is replaced.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=False)
EMBEDDED_DATABASE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery broker ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        CELERY_BROKER_TRANSPORT = "config.broker:Transport"  # kombu's, minus a client per publish
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any countdown we schedule, or Redis redelivers a task that is only waiting.
        "visibility_timeout": 4 * 60 * 60,
    }
else:
    BROKER_DIR = VAR_DIR / "broker"
    (BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "control").mkdir(parents=True, exist_ok=True)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }
    # Set but empty (as ./bin/test's embedded pass sets it) means unset: never Celery's own
    # default, amqp on localhost, which a machine with RabbitMQ would silently accept.
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "store_processed": False,
        # Worker control messages (pidbox) too, or kombu writes them under the current directory.
        "control_folder": str(BROKER_DIR / "control"),
        # The folder is polled: every 0.1 s instead of kombu's 1 s, so a webhook's job starts
        # within a tenth of a second (and a worker stops promptly); a listing costs microseconds.
        "polling_interval": 0.1,
    }

# --- Auth, admin, brute-force protection ----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Proxies in front of the web processes that append to X-Forwarded-For (the TLS proxy, a load
# balancer); the sign-in lockout counts failures per username and the client's address behind
# them. 0: the connection's own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Signing in at /admin/login/ itself (no ?next=) lands on the admin, not on /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email (owners hear about credentials that need reconnecting) ---------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ml-connector <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- HTTPS hardening outside DEBUG (what `check --deploy` asks for) -------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp), on every page: scripts, styles, fonts, images and
# connections from this site only, no plugins, no framing, no inline <script> or event handler.
# The admin theme needs two allowances: its Alpine.js compiles x-data / x-on expressions with
# Function() ('unsafe-eval'), and it writes inline <style> (theme colours) and style attributes.
# Pages not drawn by the theme (Swagger UI, Redoc) go without eval (config/api_docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_EVAL],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True

# --- Celery ---------------------------------------------------------------------------------
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker went away tries again every 2 s at most, and never gives up (Celery's
# default stops the worker after 100 tries): work moves within seconds of the broker's return.
CELERY_WORKER_CONSUMER = "config.worker_consumer:Consumer"
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The longest countdown a task may ask for; longer waits are parked in the database.
CELERY_MAX_COUNTDOWN = 60 * 60
# A running sync job's lease (sync/lease.py): renewed 4 times per lease while the run lives;
# a dead run is taken over once it lapses (plus up to one sweep, every 10 s).
SYNC_LEASE_SECONDS = env.float("SYNC_LEASE_SECONDS", default=20.0)
SYNC_RETRY_BASE_SECONDS = env.float("SYNC_RETRY_BASE_SECONDS", default=30.0)
# Webhook intake sends the events each web process stored within this window as one message.
WEBHOOK_HANDOVER_SECONDS = env.float("WEBHOOK_HANDOVER_SECONDS", default=0.05)

# The admin theme, with our few extra styles.
UNFOLD = {
    "SITE_TITLE": "ml-connector",
    "SITE_HEADER": "ml-connector",
    "STYLES": [lambda request: static("ml-connector/admin.css")],
    # Linked on every admin page, so browsers do not ask for a missing /favicon.ico.
    "SITE_FAVICONS": [
        {
            "rel": "icon",
            "type": "image/svg+xml",
            "href": lambda request: static("ml-connector/favicon.svg"),
        }
    ],
    # People sign in with their e-mail address: the form says so.
    "LOGIN": {"form": "tenants.account_forms.EmailAuthenticationForm"},
    # The home page is the tenant's dashboard (sync/dashboard_views.py).
    "DASHBOARD_CALLBACK": "sync.dashboard_views.dashboard_callback",
    # Links named for what a person does, each shown when its page exists and they may open it;
    # "All applications" still lists every page.
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": True,
        "navigation": "config.admin_navigation.sidebar_navigation",
    },
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ApiAutoSchema",
    # Tokens first: a request with a bad token is refused (401), never served by a session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api_auth.TenantAccess"],
    "DEFAULT_PAGINATION_CLASS": "config.api_pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["config.api_filtering.StrictFilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ml-connector API",
    "DESCRIPTION": "Connections, webhook events, sync jobs and the API call log of one tenant.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN, no web fonts.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,  # write-only secrets appear in request bodies only
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.allow_empty_filters",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ConnectionStatusEnum": "tenants.models.ConnectionStatus",
        "EventStateEnum": "webhooks.models.EventState",
        "JobKindEnum": "sync.models.JobKind",
        "JobStateEnum": "sync.models.JobState",
        "BulkRunKindEnum": "sync.models.BulkRun.Kind",
        "BulkRunStateEnum": "sync.models.BulkRun.State",
    },
}

# --- ERP settings: each ERP's spec (connectors/<kind>/spec.py) names the variables it reads ---
# The vendor apps are one registration per platform, shared by all tenants; in demo mode they
# default to the sandbox's own app, so the demo needs no vendor account.
for _spec in installed_erp_specs(INSTALLED_APPS):
    for _setting in _spec.env_settings:
        vars()[_setting.name] = _setting.read(
            env,
            demo=DEMO_MODE,
            public=PUBLIC_BASE_URL,
            sandbox=f"{PUBLIC_BASE_URL}/sandbox/{_spec.kind}",
        )

# How long the HTTP client waits for a vendor's answer (seconds); tests lower it to hit timeouts.
HTTP_READ_TIMEOUT = env.float("HTTP_READ_TIMEOUT", default=30.0)

# --- Product settings -----------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=90)
AUDIT_BODY_LIMIT = env.int("AUDIT_BODY_LIMIT", default=64 * 1024)
DEFAULT_POLL_INTERVAL_MINUTES = env.int("DEFAULT_POLL_INTERVAL_MINUTES", default=15)

# --- Logging: one JSON object per line ------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"redact_secrets": {"()": "audit.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}
