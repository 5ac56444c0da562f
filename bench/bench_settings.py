"""Settings for bench/verification_path.py: the portal plus one bare JSON endpoint."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": True}
#: Set as production must set it (``check --deploy``): without it every link asks Redis for
#: the address the last request came in on (``portal.middleware.public_base_url``).
PUBLIC_BASE_URL = "http://127.0.0.1:8766"
