import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_office.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: in production, refuse to serve while a check the
# apps tag "refuse_to_serve" fails (staff/checks.py: seed_demo's published logins or
# keys are usable). Asked through the check framework, so this module imports no app.
from django.conf import settings  # noqa: E402
from django.core import checks  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

if settings.PRODUCTION:
    _errors = [m for m in checks.run_checks(tags=["refuse_to_serve"]) if m.is_serious()]
    if _errors:
        raise ImproperlyConfigured(
            "Refusing to start in production: "
            + " ".join(f"{error.msg} {error.hint}" for error in _errors)
        )
