"""Shared pieces of the REST API: the one exception handler, the schema view."""

from drf_spectacular.views import SpectacularAPIView
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error dicts → a flat list of {"field", "message"}."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            field = key if not prefix else f"{prefix}.{key}"
            errors.extend(_flatten(value, "" if key == "non_field_errors" else field))
        return errors
    if isinstance(detail, list):
        errors = []
        for item in detail:
            errors.extend(_flatten(item, prefix))
        return errors
    return [{"field": prefix or None, "message": str(detail)}]


def exception_handler(exc, context):
    """Every API error is JSON `{"detail": ..., "errors": [...]}` (DESIGN §7)."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) <= {"detail", "errors"} and "detail" in data:
        response.data = {"detail": str(data["detail"]), "errors": data.get("errors", [])}
    else:
        response.data = {"detail": "Invalid input.", "errors": _flatten(data)}
    return response


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, shown in the browser rather than downloaded.

    drf-spectacular names the file after the API title, which has an em dash; Django
    then encodes the whole Content-Disposition header as an RFC 2047 word
    (`=?utf-8?q?inline…`), which browsers do not parse and so download the file. The
    name is plain ASCII here (a test holds the header).
    """

    def _get_filename(self, request, version):
        suffix = self.perform_content_negotiation(request, force=True)[0].format
        return f"collections-office-bank-api.{suffix}"
