"""Helpers every app's page views share: company time, sorting, service errors on forms."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from .workdays import company_tz


def in_company_time(view):
    """Times on the page are shown in the company's zone (stored in UTC, DESIGN §9)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(company_tz()):
            return view(request, *args, **kwargs)

    return wrapper


def sort_queryset(
    queryset: QuerySet, request, sortable: dict[str, str], default: str
) -> tuple[QuerySet, str]:
    """Orders by the `?sort=key` / `?sort=-key` the table headers send.

    `sortable` maps the public keys to model fields; an unknown key falls back to
    `default`. The primary key breaks ties so that pages never repeat or skip rows.
    Returns the queryset and the sort key in effect (for the headers' arrows).
    """
    sort = request.GET.get("sort", default)
    field = sortable.get(sort.lstrip("-"))
    if field is None:
        sort, field = default, sortable[default.lstrip("-")]
    descending = sort.startswith("-")
    return queryset.order_by(
        f"-{field}" if descending else field, "-pk" if descending else "pk"
    ), sort


def form_errors_from(form, exc: ValidationError) -> None:
    """A service's ValidationError → the form's fields (or its top when no field matches)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def id_param(value: str | None) -> int | None:
    """A row id from a query parameter: plain ASCII digits that fit a database id, else None."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number < 2**63 else None
