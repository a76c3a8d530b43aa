"""The test suite: PostgreSQL and Redis from `make test` (DATABASE_URL, DRAMATIQ_BROKER_URL)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-insecure-key")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
LYCEUM_EMBEDDED_WORKER = False
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"

# Each pytest-xdist worker queues jobs in a Redis database of its own (8 + worker number), so one
# worker never runs another's jobs; tests/jobs.py drains it in the test's own thread. Processes a
# test starts (a real `rundramatiq`) keep the URL they are given: LYCEUM_TEST_OWN_QUEUE=0.
_XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
if DRAMATIQ_BROKER_URL and env.bool("LYCEUM_TEST_OWN_QUEUE", default=True):
    from urllib.parse import urlsplit, urlunsplit

    _index = 8 + (int(_XDIST_WORKER.removeprefix("gw")) if _XDIST_WORKER.startswith("gw") else 0)
    DRAMATIQ_BROKER_URL = urlunsplit(urlsplit(DRAMATIQ_BROKER_URL)._replace(path=f"/{_index}"))
    DRAMATIQ_BROKER["OPTIONS"] = {"url": DRAMATIQ_BROKER_URL}
