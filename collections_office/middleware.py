"""Request middleware of the project."""

from django.utils import translation

from staff.selectors import profile_of

from .views import healthz


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


class UserLanguageMiddleware:
    """Activates the language the signed-in user chose (remembered on their profile).

    Runs after LocaleMiddleware and AuthenticationMiddleware, so an anonymous
    visitor still gets the cookie/Accept-Language choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = profile_of(getattr(request, "user", None))
        if profile is not None and profile.language:
            translation.activate(profile.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
