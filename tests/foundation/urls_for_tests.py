"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from collections_office.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def server_error(request):
    raise RuntimeError("a bug, on purpose")


def permission_denied(request):
    raise PermissionDenied


urlpatterns = [
    path("test-errors/500/", server_error),
    path("test-errors/403/", permission_denied),
    *urlpatterns,
]
