"""Request middleware of the project."""

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
