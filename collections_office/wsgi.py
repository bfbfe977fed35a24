import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_office.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: in production, refuse to serve while seed_demo's
# published logins or keys are usable (staff/checks.py).
from staff.checks import refuse_demo_data_in_production  # noqa: E402

refuse_demo_data_in_production()
