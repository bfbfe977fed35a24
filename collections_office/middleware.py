"""Request middleware of the project."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django.utils.translation import gettext as _

from .views import bad_request, healthz


class HealthCheckMiddleware:
    """Answers /healthz before the Host header is validated.

    docker compose's health check (and a load balancer's) asks
    http://127.0.0.1:8000/healthz; in production that address is not in
    ALLOWED_HOSTS, so the request would be a 400 and the container never
    healthy. Only this one path skips the host check; it reveals nothing but
    whether the database, cache and broker answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """Answers 400, naming the parameter, when a query parameter or a posted form field
    holds a NUL character.

    PostgreSQL cannot store or compare text with NUL in it: a filter on `?q=%00` was a
    database error (500) on every list. Refusing is better than stripping: NUL has no
    meaning in any of our inputs, so it is a broken client or a probe, and silently
    searching for something else would hide that. Only URL-encoded form bodies are
    checked here (small, already parsed by the CSRF check); multipart bodies carry
    files (reading them here would defeat the upload size limit) and their fields go
    through Django forms or DRF serializers, whose text fields refuse NUL themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = self._field_with_null(request.GET)
        if name is None and request.content_type == "application/x-www-form-urlencoded":
            name = self._field_with_null(request.POST)
        if name is not None:
            message = _("“%(name)s” contains a NUL character, which is not allowed.") % {
                "name": name
            }
            return bad_request(request, message=message, field=name)
        return self.get_response(request)

    @staticmethod
    def _field_with_null(data) -> str | None:
        for name, values in data.lists():
            if "\x00" in name:
                return name.replace("\x00", "\\x00")
            if any("\x00" in value for value in values):
                return name
        return None


class IdleSessionRenewalMiddleware:
    """Keeps a signed-in session alive while it is used, writing its row at most once a
    minute (SESSION_RENEW_AFTER_SECONDS) instead of on every request.

    Sessions end after SESSION_COOKIE_AGE idle seconds. SESSION_SAVE_EVERY_REQUEST did
    that by saving the session row (an UPDATE and a COMMIT) on every page, fragment and
    poll. Here the session remembers when its expiry was last pushed forward; a request
    made later than SESSION_RENEW_AFTER_SECONDS after that marks the session modified, so
    Django's SessionMiddleware saves it with a fresh expiry (now + the idle time). A
    session therefore ends between (idle time − renew interval) and the idle time after
    its last request: never later than before, at most a minute (or a tenth of a short
    idle time) sooner.
    Goes right after SessionMiddleware, so its response phase runs before the save.
    """

    RENEWED_AT = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in person's session needs keeping alive; an anonymous visit
        # must not create a row, and a flushed (logged-out) session has no user key.
        if session is None or not session.session_key or SESSION_KEY not in session:
            return response
        now = int(timezone.now().timestamp())
        renewed_at = session.get(self.RENEWED_AT)
        # A short idle time (a test's few seconds) renews more often: at most a tenth of it.
        renew_after = min(settings.SESSION_RENEW_AFTER_SECONDS, settings.SESSION_COOKIE_AGE // 10)
        if (
            session.modified  # saved anyway (login, a form's message…): note when
            or renewed_at is None
            or now - renewed_at >= renew_after
        ):
            session[self.RENEWED_AT] = now
        return response
