"""Request middleware of the project."""

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
