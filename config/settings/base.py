"""Settings shared by every environment; each value can be set from the environment."""

from pathlib import Path

import environ

from search.backend_settings import search_backends

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", ".localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "marketplace",
    "cms",
    "payments",
    "conferencing",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djmoney",
    "import_export",
    "django_dramatiq",
    "dramatiq_crontab",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and the tenant lookup: a kept answer costs none of them.
    "config.public_cache.PublicAnswerCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.middleware.TenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "marketplace.context_processors.tenant",
                "cms.branding.context.branding",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lyceum.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the embedded worker write while the web process reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://lyceum")}

AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch"), ("tr", "Türkçe")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=2 * 1024 * 1024)

SITE_ID = 1

# Email: EMAIL_URL such as smtp://user:pass@host:587 or smtp+tls://...; the console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Lyceum <no-reply@lyceum.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts (django-allauth): email login, a handle chosen at sign-up.
ACCOUNT_ADAPTER = "marketplace.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "marketplace.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.accounts.forms.SignupExtraFields"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False


def _social_providers() -> dict:
    """Google and a generic OpenID Connect provider, each on only when configured."""
    providers: dict = {}
    if env("GOOGLE_CLIENT_ID", default=""):
        providers["google"] = {
            "APPS": [
                {
                    "client_id": env("GOOGLE_CLIENT_ID"),
                    "secret": env("GOOGLE_CLIENT_SECRET", default=""),
                    "key": "",
                }
            ],
            "SCOPE": ["profile", "email"],
            "AUTH_PARAMS": {"access_type": "online"},
        }
    if env("OIDC_SERVER_URL", default=""):
        providers["openid_connect"] = {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": env("OIDC_NAME", default="Single sign-on"),
                    "client_id": env("OIDC_CLIENT_ID", default="lyceum"),
                    "secret": env("OIDC_CLIENT_SECRET", default=""),
                    "settings": {"server_url": env("OIDC_SERVER_URL")},
                }
            ]
        }
    return providers


SOCIALACCOUNT_PROVIDERS = _social_providers()

# Wagtail.
WAGTAIL_SITE_NAME = "Lyceum"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAIL_I18N_ENABLED = False
# Search: the database backend, or Elasticsearch/OpenSearch from a URL (search/backend_settings.py).
WAGTAILSEARCH_BACKENDS = search_backends(
    env("SEARCH_BACKEND_URL", default=""), index_prefix=env("SEARCH_INDEX_PREFIX", default="lyceum_")
)
# Ranked matches of a query stay cached this long, or until the site's entries change (0: off).
SEARCH_MATCH_CACHE_SECONDS = env.int("SEARCH_MATCH_CACHE_SECONDS", default=600)
# A page of results (ids and total) is kept this long; rows are always loaded afresh (0: off).
SEARCH_PAGE_CACHE_SECONDS = env.int("SEARCH_PAGE_CACHE_SECONDS", default=30)
# Whole answers of public routes to anonymous visitors (config/public_cache.py) stay cached this
# long at most; any change to what they show drops them sooner (0: off).
PUBLIC_RESPONSE_CACHE_SECONDS = env.int("PUBLIC_RESPONSE_CACHE_SECONDS", default=30)
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["marketplace.api.permissions.IsTenantMember"],
    "DEFAULT_PAGINATION_CLASS": "config.api_pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("API_AUTH_THROTTLE_RATE", default="5/min"),
        "user": env("API_USER_THROTTLE_RATE", default="1200/hour"),
        # Join answers a passcode check: limit guesses per address.
        "join": env("API_JOIN_THROTTLE_RATE", default="30/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lyceum API",
    "DESCRIPTION": "Marketplace for paid live video sessions: profile, tenants, memberships, tokens.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["config.api_schema.only_api_paths"],
    "DEFAULT_GENERATOR_CLASS": "config.api_schema.ScopeFreeSchemaGenerator",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` or `kind`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "RoomStatusEnum": "marketplace.models.rooms.RoomStatus",
        "RegistrationStatusEnum": "marketplace.models.registrations.RegistrationStatus",
        "SubscriptionStatusEnum": "marketplace.models.plans.SubscriptionStatus",
        "ListKindEnum": "marketplace.models.registrations.ListKind",
        "EntryKindEnum": "payments.models.ledger.EntryKind",
        "AccountKindEnum": "payments.models.ledger.AccountKind",
        "PayoutStatusEnum": "payments.models.payouts.PayoutStatus",
        "HoldStatusEnum": "payments.models.holds.HoldStatus",
        "PaymentStatusEnum": "payments.models.gateway_payments.PaymentStatus",
        "ProfileVisibilityEnum": "marketplace.models.profiles.ProfileVisibility",
        "RoomVisibilityEnum": "marketplace.models.rooms.Visibility",
    },
}

# Background work: Redis when DRAMATIQ_BROKER_URL is set, else an in-process worker.
DRAMATIQ_BROKER_URL = env("DRAMATIQ_BROKER_URL", default="")
_DRAMATIQ_MIDDLEWARE = [
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
]
if DRAMATIQ_BROKER_URL:
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.redis.RedisBroker",
        "OPTIONS": {"url": DRAMATIQ_BROKER_URL},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
    DRAMATIQ_CRONTAB = {"REDIS_URL": DRAMATIQ_BROKER_URL}
else:
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.stub.StubBroker",
        "OPTIONS": {},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
DRAMATIQ_TASKS_DATABASE = "default"
# Where the web process also runs the worker and the scheduler (embedded default only).
LYCEUM_EMBEDDED_WORKER = env.bool("LYCEUM_EMBEDDED_WORKER", default=not DRAMATIQ_BROKER_URL)

# Content-Security-Policy for public and dashboard pages (not the Wagtail admin).
CSP_EXEMPT_PREFIXES = ("/cms/", "/django-admin/", "/api/docs/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Money. Every amount is a django-money Money; this default is never relied on by the ledger.
DEFAULT_CURRENCY = "USD"
LYCEUM_CURRENCIES = env.list("LYCEUM_CURRENCIES", default=["USD", "EUR", "GBP", "TRY", "JPY"])
LYCEUM_MAX_AMOUNT = env("LYCEUM_MAX_AMOUNT", default="10000")
LYCEUM_RECHARGE_PRESETS = env.list("LYCEUM_RECHARGE_PRESETS", default=["10", "25", "50", "100"])
LYCEUM_HOLD_TTL_SECONDS = env.int("LYCEUM_HOLD_TTL_SECONDS", default=7 * 24 * 3600)
PAYMENTS_DEFAULT_GATEWAY = env("PAYMENTS_DEFAULT_GATEWAY", default="")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Where the Stripe SDK sends requests; a local Stripe double in development and tests.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
# Content-Security-Policy: Stripe's script and frames are allowed only when Stripe is configured.
CSP_EXTRA_SOURCES = [STRIPE_JS_URL.split("/v3")[0].rstrip("/")] if STRIPE_SECRET_KEY else []
# --- PayPal and Authorize.net gateways -----------------------------------------------------------
# Each is configured only with all three of its keys. The URLs default to the providers' sandboxes
# (test mode); live: PAYPAL_API_BASE=https://api-m.paypal.com, AUTHORIZENET_API_URL=
# https://api.authorize.net/xml/v1/request.api and AUTHORIZENET_HOSTED_URL=https://accept.authorize.net/payment/payment.
PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", default="")
PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", default="")
PAYPAL_API_BASE = env("PAYPAL_API_BASE", default="https://api-m.sandbox.paypal.com")
AUTHORIZENET_API_LOGIN_ID = env("AUTHORIZENET_API_LOGIN_ID", default="")
AUTHORIZENET_TRANSACTION_KEY = env("AUTHORIZENET_TRANSACTION_KEY", default="")
AUTHORIZENET_SIGNATURE_KEY = env("AUTHORIZENET_SIGNATURE_KEY", default="")
AUTHORIZENET_API_URL = env("AUTHORIZENET_API_URL", default="https://apitest.authorize.net/xml/v1/request.api")
AUTHORIZENET_HOSTED_URL = env("AUTHORIZENET_HOSTED_URL", default="https://test.authorize.net/payment/payment")
# An Authorize.net merchant account settles in one currency; recharges in any other are refused.
AUTHORIZENET_CURRENCY = env("AUTHORIZENET_CURRENCY", default="USD")
# --- end of PayPal and Authorize.net gateways ------------------------------------------------------
# PostgreSQL posts ledger entries with a stored function (one round trip); off: the Python path.
LYCEUM_LEDGER_DATABASE_ENGINE = env.bool("LYCEUM_LEDGER_DATABASE_ENGINE", default=True)
PLAN_GRACE_DAYS = env.int("PLAN_GRACE_DAYS", default=3)
PLAN_REMINDER_DAYS = env.int("PLAN_REMINDER_DAYS", default=3)
# Registrations: a paid registration awaiting approval holds the money this long at most; a
# one-time fee is refunded on cancel until this many hours before the room's next session.
REGISTRATION_APPROVAL_DAYS = env.int("REGISTRATION_APPROVAL_DAYS", default=7)
# An invitation to a site for an address without a confirmed account stays open this many days.
MEMBER_INVITATION_DAYS = env.int("MEMBER_INVITATION_DAYS", default=30)
# Import jobs (with the files uploaded for them) are deleted after this many days.
IMPORT_JOB_KEEP_DAYS = env.int("IMPORT_JOB_KEEP_DAYS", default=30)
# The longest a check or an import of a file may run before its worker stops it.
IMPORT_TIME_LIMIT_MS = 60 * 60 * 1000
REGISTRATION_REFUND_CUTOFF_HOURS = env.int("REGISTRATION_REFUND_CUTOFF_HOURS", default=24)
ROOM_SUBSCRIPTION_REMINDER_DAYS = env.int("ROOM_SUBSCRIPTION_REMINDER_DAYS", default=3)

# BigBlueButton: the platform's endpoint (one server, or Scalelite in front of many); tenants may
# set their own in the back office. `make run` points this at the local BBB simulator.
BBB_ENDPOINT = env("BBB_ENDPOINT", default="http://127.0.0.1:8090/bigbluebutton/api/")
BBB_SECRET = env("BBB_SECRET", default="lyceum-simulator-secret")
BBB_CHECKSUM_ALGORITHM = env("BBB_CHECKSUM_ALGORITHM", default="sha256")
BBB_TIMEOUT_SECONDS = env.float("BBB_TIMEOUT_SECONDS", default=10.0)
BBB_RETRIES = env.int("BBB_RETRIES", default=2)
# How long an attendee's waiting page polls before giving up, and how often jobs look at meetings.
BBB_WAITING_POLL_SECONDS = env.int("BBB_WAITING_POLL_SECONDS", default=5)
