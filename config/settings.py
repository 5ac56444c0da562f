"""Settings for the market-regulation portal.

Production differs from development only by environment variables (see README.md for
the table). Nothing secret lives in this file.
"""

import secrets
from pathlib import Path

import environ
import xstatic.pkg.bootstrap as xstatic_bootstrap
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env(
    DEBUG=(bool, True),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    REDIS_URL=(str, ""),
    LOGIN_FAILURE_LIMIT=(int, 5),
    LOGIN_LOCKOUT_MINUTES=(int, 15),
    SECURE_SSL_REDIRECT=(bool, True),
    SECURE_HSTS_SECONDS=(int, 31536000),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")


def _development_secret_key() -> str:
    """Return the development key kept under var/, creating it on first use."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


#: Development secrets generated and kept under var/ (the secret key, the signing-key
#: passphrase, the audit-chain key): on with DEBUG, and for ``make run``, which shows the
#: portal as people see it (DEBUG off) on a developer's machine. Never in production:
#: ``check --deploy`` refuses it (portal.E003).
LOCAL_SECRETS = env.bool("LOCAL_SECRETS", default=DEBUG)

if LOCAL_SECRETS:
    SECRET_KEY = env("SECRET_KEY", default=None) or _development_secret_key()
else:
    SECRET_KEY = env("SECRET_KEY")  # required: raises ImproperlyConfigured when missing

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "rules",
    # ninja in INSTALLED_APPS makes /api/v1/docs load Swagger UI from its own static
    # files instead of a CDN.
    "ninja",
    # OpenID Connect provider for connected systems (ADR 0025); its views are elicense's
    "oauth2_provider",
    "portal",
    "elicense",
    "licensing",
    "yiyeyizheng",
    "mingchu",
    "demo",
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
    "portal.middleware.DatabaseUnavailableMiddleware",
    "portal.middleware.StaffIdleTimeoutMiddleware",
    "portal.middleware.ReplicaPinMiddleware",
    "portal.middleware.ClientAddressMiddleware",
    "portal.middleware.PublicBaseUrlMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

#: The bearer-key API's stack (``config.wsgi``, ADR 0024): no sessions, messages, CSRF,
#: authentication of users, login throttling or idle timeout on ``/api/``. Its answers carry
#: their Content-Length (``CommonMiddleware``'s part that applies here): not chunked.
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentLengthMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "portal.middleware.ClientAddressMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
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
                "portal.context_processors.navigation",
                "portal.context_processors.display_mode",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE serialises writers so that counter rows cannot be read stale.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
#: PostgreSQL through ``config.postgresql``: Django's backend with a health check that asks
#: the kernel whether the idle socket was closed instead of a ``SELECT 1`` (ADR 0033).
POSTGRESQL_ENGINE = "config.postgresql"
# A persistent connection is checked before a request reuses it, so the first request
# after a PostgreSQL restart gets a fresh connection instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica of the primary (ADR 0026): dashboards, roll-ups, exports and public
# lists read from it (portal.queries.replica); everything else uses the primary. Tests
# point it at the test database (MIRROR).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
for _alias in DATABASES.values():
    if _alias["ENGINE"] == "django.db.backends.postgresql":
        _alias["ENGINE"] = POSTGRESQL_ENGINE
DATABASE_ROUTERS = ["portal.queries.replica.ReplicaRouter"]
#: After a browser posts, its reads stay on the primary this long (replica lag cover).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.login_throttle.UsernameDelayBackend",
    # django-rules: the apps' named predicates (permissions.py) answer user.has_perm first.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Trusted reverse proxies in front of the app, each appending to X-Forwarded-For. One rule
# (portal.middleware.client_address) gives the client address to the audit trail, login
# throttling and the per-address budgets.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Login throttling (django-axes, ADR 0013): after LOGIN_FAILURE_LIMIT failures the
# (username, address) pair, and separately the address, are locked for
# LOGIN_LOCKOUT_MINUTES. A username alone is never locked: one guessed from many addresses
# gets a growing delay of at most LOGIN_DELAY_MAX_SECONDS (portal.login_throttle).
AXES_FAILURE_LIMIT = env("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = env("LOGIN_LOCKOUT_MINUTES") / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.middleware.client_address"
AXES_LOCKOUT_CALLABLE = "portal.views.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_DELAY_MAX_SECONDS = env.float("LOGIN_DELAY_MAX_SECONDS", default=8.0)

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
#: Our Chinese for third-party strings the admin shows (django-axes ships no zh_Hans).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# Bootstrap comes from the XStatic-Bootstrap package: no CDN, nothing copied into static/.
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic_bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")


def s3_storage(url: str, *, url_seconds: int) -> dict:
    """The STORAGES entry for S3-compatible object storage (MinIO, a cloud's OSS) from
    ``s3://<access key>:<secret key>@<host>[:<port>]/<bucket>[?region=…&secure=false]``.

    The bucket stays private: objects carry no ACL, and ``url()`` gives a URL signed for
    ``url_seconds`` (used when STORAGE_DOWNLOADS=redirect). Without a host, the cloud's
    default endpoint (AWS) is used.
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.path.strip("/"):
        raise ValueError("STORAGE_URL must look like s3://key:secret@host:port/bucket")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    secure = query.get("secure", "true").lower() not in {"false", "0", "no"}
    endpoint = None
    if parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        endpoint = f"{'https' if secure else 'http'}://{parts.hostname}{port}"
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": parts.path.strip("/"),
            "endpoint_url": endpoint,
            "access_key": unquote(parts.username or ""),
            "secret_key": unquote(parts.password or ""),
            "region_name": query.get("region", "us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_seconds,
            # Names are random (attachments) or one per certificate version (PDFs, whose
            # content never changes): a second write of the same name is the same file.
            "file_overwrite": True,
        },
    }


#: Files (certificate PDFs, 一业一证 attachments) go to S3-compatible object storage when
#: STORAGE_URL is set, so every web and worker host sees them (ADR 0026); otherwise under
#: MEDIA_ROOT, which only one host shares. Downloads are streamed through the portal in
#: chunks after its own access check (STORAGE_DOWNLOADS=stream), or answered with a redirect
#: to a URL signed for STORAGE_URL_SECONDS (=redirect, when browsers reach the store).
STORAGE_URL = env("STORAGE_URL", default="")
STORAGE_URL_SECONDS = env.int("STORAGE_URL_SECONDS", default=60)
STORAGE_DOWNLOADS = env("STORAGE_DOWNLOADS", default="stream")
if STORAGE_URL:
    STORAGES["default"] = s3_storage(STORAGE_URL, url_seconds=STORAGE_URL_SECONDS)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Redis: cache and Celery -----------------------------------------------------------


def redis_cache(location: str) -> dict:
    """The Redis cache: a lost Redis is a cache miss, not an error (reads answer None,
    writes are dropped, each ignored error is logged to portal.cache, rate-limited)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "portal",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }


REDIS_URL = env("REDIS_URL")
#: How the 查验记录 is written (ADR 0024): "stream" (a Redis stream drained in bulk by
#: ``manage.py drain_verification_log``; direct inserts while Redis is away) or "direct".
VERIFICATION_LOG = env("VERIFICATION_LOG", default="stream")
#: With the stream, each check's record is first written to a memory-mapped spool file of
#: its process under this directory and shipped by a thread (ADR 0040): one directory per
#: host, shared by its web processes and kept across their restarts. Empty: each check sends
#: its record itself (ADR 0035).
VERIFICATION_SPOOL_DIR = env("VERIFICATION_SPOOL_DIR", default="")
#: Relying parties, certificate status and issuer keys held in process memory and
#: invalidated through Redis pub/sub (ADR 0024); off, or without Redis, every lookup reads
#: PostgreSQL.
VERIFICATION_MEMORY = env.bool("VERIFICATION_MEMORY", default=True)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "portal.cache"
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a task not acknowledged within this many seconds (acks_late: a task is
# acknowledged when it ends). It must exceed the longest task's hard time limit (the bulk
# check: 1,900 s), or a running task would be handed to a second worker.
# A request whose commit sends tasks must not hang on a Redis that is away: connecting gives
# up after 3 s, publishing after two quick retries; the outbox sends the task again later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 3,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="portal")
# Queues by kind (ADR 0026), each with its own worker service in docker-compose.yml, so a
# 100,000-row bulk check or a month's roll-up never waits in front of a licence's signing.
# A task named here goes to its kind's queue; any other task (the outbox sweep, the audit
# seal, the nightly expiry: short housekeeping) to CELERY_QUEUE ("portal"). With
# CELERY_QUEUES_BY_KIND=false every task goes to CELERY_QUEUE: one worker does everything
# (a small installation, a test's private worker).
CELERY_QUEUES_BY_KIND = env.bool("CELERY_QUEUES_BY_KIND", default=True)
TASK_QUEUES = {
    "elicense.tasks.sign_certificate": "signing",
    "elicense.tasks.render_certificate_pdf": "documents",
    "licensing.tasks.run_bulk_check": "bulk",
    "licensing.tasks.resume_stalled_bulk_checks": "bulk",
    "licensing.tasks.recheck_supplier_lists": "bulk",
    "mingchu.tasks.build_monthly_rollup": "reports",
    "portal.tasks.send_mail": "notices",
    "mingchu.tasks.email_report_reminder": "notices",
    "mingchu.tasks.remind_unsubmitted_reports": "notices",
    "yiyeyizheng.tasks.remind_overdue_reviews": "notices",
    "elicense.tasks.publish_changes": "notices",
}
#: Asked at every send (so a test may switch CELERY_QUEUES_BY_KIND off for a while).
CELERY_TASK_ROUTES = ("config.celery.route_by_kind",)
CELERY_TIMEZONE = TIME_ZONE
# The transactional outbox (ADR 0014): how often beat sweeps it, after how long a sent
# task that never acknowledged is sent again, and how many sends before it waits for an
# administrator (admin → 待办任务).
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=60)
#: A webhook endpoint failing this long is disabled and its party told (ADR 0022).
WEBHOOK_GIVE_UP_HOURS = env.int("WEBHOOK_GIVE_UP_HOURS", default=24)
OUTBOX_REDELIVER_MINUTES = env.int("OUTBOX_REDELIVER_MINUTES", default=10)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=20)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)  # done messages, then deleted
# /readyz (portal.outbox_health) fails when a task still being sent is older than this.
OUTBOX_BACKLOG_MAX_MINUTES = env.int("OUTBOX_BACKLOG_MAX_MINUTES", default=30)
# Tamper-evident audit chain (portal.audit_chain): the HMAC-SM3 key, from the secret store.
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY", default="")
AUDIT_SEAL_SECONDS = env.int("AUDIT_SEAL_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "seal-audit-chain": {
        "task": "portal.tasks.seal_audit_chain",
        "schedule": AUDIT_SEAL_SECONDS,
    },
    "sweep-outbox": {
        "task": "portal.tasks.sweep_outbox",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "publish-changes": {
        "task": "elicense.tasks.publish_changes",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "resume-stalled-bulk-checks": {
        "task": "licensing.tasks.resume_stalled_bulk_checks",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    # Before the registers' own expiry: one change event per certificate (ADR 0022).
    "expire-certificates-daily": {
        "task": "elicense.tasks.expire_ended_certificates",
        "schedule": crontab(hour=0, minute=5),
    },
    # The verification log's partitions: the coming months made, expired ones detached.
    "maintain-verification-partitions-daily": {
        "task": "elicense.tasks.maintain_verification_partitions",
        "schedule": crontab(hour=1, minute=15),
    },
    "expire-food-licences-daily": {
        "task": "licensing.tasks.expire_food_licences",
        "schedule": crontab(hour=0, minute=10),
    },
    "recheck-supplier-lists-daily": {
        "task": "licensing.tasks.recheck_supplier_lists",
        "schedule": crontab(hour=6, minute=0),
    },
    "remind-unsubmitted-reports-daily": {
        "task": "mingchu.tasks.remind_unsubmitted_reports",
        "schedule": crontab(hour=9, minute=0),
    },
    # The 1st, 06:00 Shanghai: the previous month's reports were due by its 30th (or last
    # day), so the run sees every on-time report and marks the rest missing.
    "build-monthly-rollup": {
        "task": "mingchu.tasks.build_monthly_rollup",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "yiyeyizheng-overdue-reminders-daily": {
        "task": "yiyeyizheng.tasks.remind_overdue_reviews",
        "schedule": crontab(hour=8, minute=30),
    },
}

# --- Sessions --------------------------------------------------------------------------
# Every session ends SESSION_MAX_AGE_HOURS after sign-in however active it is (the expiry
# is fixed at sign-in by StaffIdleTimeoutMiddleware); staff sessions also end after
# STAFF_IDLE_MINUTES without a request. Enterprise users have no idle timeout.
SESSION_COOKIE_AGE = env.int("SESSION_MAX_AGE_HOURS", default=12) * 3600
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    # Cookies over HTTPS only; ``make run`` (plain HTTP on 127.0.0.1) turns this off.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
    # Probes call these over plain HTTP from inside the container or the load balancer.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    )

# --- Mail --------------------------------------------------------------------------------
# EMAIL_URL as django-environ reads it: smtp://user:pass@host:25, smtp+tls://..., consolemail://
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_a_minute": {"()": "portal.log_filters.OncePerInterval", "seconds": 60}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Ignored cache errors during a Redis outage: one line a minute, not per request.
        "portal.cache": {"level": "WARNING", "filters": ["once_a_minute"]},
        "portal.database": {"level": "WARNING", "filters": ["once_a_minute"]},
        "celery.app.trace": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Portal ----------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
BULK_CHECK_MAX_BYTES = env.int("BULK_CHECK_MAX_BYTES", default=20 * 1024 * 1024)
#: A running bulk check whose worker wrote no progress for this long is taken over: the
#: next delivery of its task resumes it, and beat's resume job sends one.
BULK_CHECK_STALL_SECONDS = env.int("BULK_CHECK_STALL_SECONDS", default=300)

# --- Health -------------------------------------------------------------------------------
#: What /readyz asks, in django-health-check's form: a check class (dotted path) or a
#: (class, options) pair. Add a check here to make it part of readiness (ADR 0012); a
#: check raising ServiceWarning reports "degraded" and keeps the node in rotation, any
#: other failure answers 503.
READINESS_CHECKS = [
    "health_check.checks.Database",
    "portal.health.Redis",
    "portal.health.CeleryWorkers",
    "elicense.health.SigningKeys",
    "elicense.health.RateLimiter",
    "elicense.health.VerificationLog",
    "portal.outbox_health.OutboxBacklog",
]
#: Seconds a 503 (database unavailable) tells clients to wait (Retry-After).
RETRY_AFTER_SECONDS = env.int("RETRY_AFTER_SECONDS", default=30)

# --- Electronic certificates -----------------------------------------------------------
ELICENSE_KEY_PASSPHRASE = env("ELICENSE_KEY_PASSPHRASE", default="")
PRESENTATION_CODE_SECONDS = env.int("PRESENTATION_CODE_SECONDS", default=120)
#: The portal's public address, printed in QR codes and PDFs. Unset (development), it is the
#: address the portal is served at (portal.middleware.public_base_url); production sets it
#: (``check --deploy`` reports portal.E002 otherwise).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")
# Other host names under which this portal's display QR codes are genuine (an old domain,
# an intranet name). A display-QR URL on any other host verifies as foreign_domain.
PUBLIC_HOST_ALIASES = env.list("PUBLIC_HOST_ALIASES", default=[])

#: The verification log (查验记录) on PostgreSQL is partitioned by month (ADR 0026): beat
#: keeps this many months' partitions made ahead, and detaches (never deletes) those of
#: months more than VERIFICATION_LOG_RETENTION_MONTHS back; 0 keeps every month attached.
VERIFICATION_LOG_MONTHS_AHEAD = env.int("VERIFICATION_LOG_MONTHS_AHEAD", default=3)
VERIFICATION_LOG_RETENTION_MONTHS = env.int("VERIFICATION_LOG_RETENTION_MONTHS", default=36)
# --- Sign-in for connected systems: OpenID Connect (django-oauth-toolkit, ADR 0025) ------
#: Key of the pairwise subject identifiers (HMAC-SHA256): each connected system sees its own
#: ``sub`` for a user. Changing it changes every ``sub``; ``check --deploy`` requires it
#: (elicense.E003); in DEBUG the SECRET_KEY stands in.
OIDC_PAIRWISE_KEY = env("OIDC_PAIRWISE_KEY", default="")
#: Protocol errors anyone can send (at the authorization endpoint: unknown client,
#: unregistered redirect URI, no PKCE, unsupported response type; at the token endpoint: an
#: unknown client) are audited, at most this many per client address per minute and this
#: many in all per minute; the rest are counted, and the next audited error from that
#: address carries the count (``not_recorded_before``).
OIDC_PROTOCOL_ERRORS_AUDITED_PER_MINUTE = env.int("OIDC_PROTOCOL_ERRORS_AUDITED", default=10)
OIDC_PROTOCOL_ERRORS_AUDITED_PER_MINUTE_ALL = env.int(
    "OIDC_PROTOCOL_ERRORS_AUDITED_ALL", default=120
)
#: DOT's own models (named so that migrations can resolve the swappable reference).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # the issuer (``iss``) behind a proxy; empty: the site root of the request
    "OIDC_ISS_ENDPOINT": env("OIDC_ISSUER", default=""),
    "PKCE_REQUIRED": True,  # authorization code + PKCE (S256) only; no implicit, no hybrid
    "OAUTH2_VALIDATOR_CLASS": "elicense.services.oidc.PortalOAuth2Validator",
    "OAUTH2_SERVER_CLASS": "oauthlib.openid.connect.core.endpoints.pre_configured.Server",
    "SCOPES": {
        "openid": "确认您的身份",
        "profile": "您的姓名",
        "entity": "您代表的企业（名称、统一社会信用代码）及您的身份（法定代表人或经办人）",
        "authorisation": "经办人的授权（授权编号、事项范围、有效期）",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],  # http only on loopback (the service)
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env.int("OIDC_CODE_SECONDS", default=60),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ACCESS_TOKEN_SECONDS", default=600),
    "ID_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ID_TOKEN_SECONDS", default=600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OIDC_REFRESH_TOKEN_SECONDS", default=7 * 86_400),
    "ROTATE_REFRESH_TOKEN": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "REQUEST_APPROVAL_PROMPT": "force",  # the portal's own consent record decides, not DOT
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post"],
    # RFC 9700 (OAuth 2.0 security BCP): no implicit or password grant, PKCE S256 only,
    # redirect URIs compared exactly
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # bearer tokens never in the query
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,  # RFC 9207 iss on the redirect
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # tokens stored hashed
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # a replayed refresh token ends its family
}
#: DOT warns that http redirect URIs are allowed: the portal's client service accepts http
#: only for loopback hosts (RFC 8252), https everywhere else (ADR 0025).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008"]

# --- 互联网＋明厨亮灶 ---------------------------------------------------------------------
#: Days before the monthly report's due date (the 30th) from which unsubmitted districts
#: are reminded (once per district and month).
MINGCHU_REMINDER_DAYS = env.int("MINGCHU_REMINDER_DAYS", default=3)

# --- 一业一证 applications -------------------------------------------------------------
YIYEYIZHENG_REVIEW_WORKING_DAYS = env.int("YIYEYIZHENG_REVIEW_WORKING_DAYS", default=5)
YIYEYIZHENG_ATTACHMENT_MAX_BYTES = env.int(
    "YIYEYIZHENG_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024
)
#: 济宁附件1: the stamped access form's scan (PDF/JPEG/PNG), bounded (ADR 0011).
ELICENSE_STAMPED_SCAN_MAX_BYTES = env.int(
    "ELICENSE_STAMPED_SCAN_MAX_BYTES", default=5 * 1024 * 1024
)
YIYEYIZHENG_EMAIL_NOTIFICATIONS = env.bool("YIYEYIZHENG_EMAIL_NOTIFICATIONS", default=True)
YIYEYIZHENG_PROGRESS_LOOKUPS_PER_HOUR = env.int("YIYEYIZHENG_PROGRESS_LOOKUPS_PER_HOUR", default=60)
