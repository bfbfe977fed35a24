"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path

from collections_office.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def server_error(request):
    raise RuntimeError("a bug, on purpose")


def permission_denied(request):
    raise PermissionDenied


def flash_and_redirect(request):
    messages.success(request, "Saved, on purpose.")
    messages.error(request, "Failed, on purpose.")
    return redirect("dashboard")


urlpatterns = [
    path("test-errors/flash/", flash_and_redirect),
    path("test-errors/500/", server_error),
    path("test-errors/403/", permission_denied),
    *urlpatterns,
]
