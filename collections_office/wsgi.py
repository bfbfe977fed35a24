import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_office.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve while a check says it is unsafe.
from collections_office.startup import refuse_to_serve_if_unsafe  # noqa: E402

refuse_to_serve_if_unsafe()
