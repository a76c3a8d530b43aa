"""WSGI entry point. In the embedded default it also starts the worker and the scheduler."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

application = get_wsgi_application()

from config.background import start_embedded_worker  # noqa: E402

start_embedded_worker()
