"""The WSGI entry point for production: `gunicorn pipeline.web.wsgi` (see README)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pipeline.web.settings")
application = get_wsgi_application()
