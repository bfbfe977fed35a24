"""Project-level views: health check and error pages (the language switch is staff's)."""

from __future__ import annotations

import logging
import time

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check(name: str, probe) -> dict:
    started = time.monotonic()
    try:
        probe()
    except Exception as exc:
        # The body names only the exception class (it is public); the log has the detail.
        logger.warning("health check %s failed: %s: %s", name, exc.__class__.__name__, exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    cache.set("healthz", "1", timeout=10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return what was stored")


class StaticFilesNotCollected(RuntimeError):
    """The manifest of hashed static files is missing: `collectstatic` has not run (or ran
    after this process started). Every page that links a stylesheet is then a 500."""


def _static_files() -> None:
    storage = storages["staticfiles"]
    # Only manifest storages (production) need collectstatic; a process loads the
    # manifest when it starts, so an empty one here means pages fail in this process.
    if getattr(storage, "manifest_name", None) and not storage.hashed_files:
        raise StaticFilesNotCollected("run `python manage.py collectstatic`, then restart")


def _broker() -> None:
    from collections_office.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache, broker and static files, each with its status; 503 if any is down."""
    probes = {
        "database": _database,
        "cache": _cache,
        "broker": _broker,
        "static_files": _static_files,
    }
    checks = {name: _check(name, probe) for name, probe in probes.items()}
    failing = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": checks}
    # Informational only; read it only from a cache that answered, or this page would 500.
    body["last_worker_heartbeat"] = cache.get("worker-heartbeat") if checks["cache"]["ok"] else None
    return JsonResponse(body, status=503 if failing else 200)


def _is_api(request) -> bool:
    # The bank API and its schema: machines read the answer, so it is always JSON.
    return request.path_info.startswith("/api/")


def _api_error(status: int, detail: str, field: str | None = None) -> JsonResponse:
    errors = [{"field": field, "message": detail}] if field else []
    return JsonResponse({"detail": detail, "errors": errors}, status=status)


def bad_request(request, *, message: str, field: str | None = None):
    """400 naming what is wrong (used by middleware that refuses a request early)."""
    if _is_api(request):
        return _api_error(400, message, field)
    return render(request, "errors/400.html", {"message": message}, status=400)


def error_400(request, exception=None):
    if _is_api(request):
        return _api_error(400, gettext("Bad request."))
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    if _is_api(request):
        return _api_error(403, gettext("You do not have permission to perform this action."))
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    if _is_api(request):
        return _api_error(404, gettext("Not found."))
    return render(request, "errors/404.html", status=404)


def error_500(request):
    if _is_api(request):
        return _api_error(500, gettext("Internal server error. The error has been logged."))
    # Rendered without the request's context processors: whatever failed (the
    # database, a context processor) must not take the error page down with it.
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))
