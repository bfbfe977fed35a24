"""Helpers every app's page views share: company time, sorting, service errors on forms."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
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


def counted_page(rows: QuerySet, *, number, per_page: int) -> Page:
    """One page of `rows` (an ordered `values_list()` of a few columns, not flat) and how
    many rows there are in all, from one query: `COUNT(*) OVER ()` counts the rows the
    database reads for the page anyway, instead of the paginator's second scan for its
    count. The page's object list holds the tuples; a page number past the end gives
    the last page and a bad one the first, as `Paginator.get_page` does.
    """
    try:
        # Past 2**31 it is past the end anyway, and the offset must fit the database's.
        number = min(max(1, int(number)), 2**31)
    except (TypeError, ValueError):
        number = 1
    found = list(
        rows.annotate(_rows_in_all=Window(Count("pk")))[(number - 1) * per_page : number * per_page]
    )
    paginator = Paginator(rows, per_page)
    if found:
        paginator.count = found[0][-1]
    elif number > 1:  # past the end: count, then the last page
        return counted_page(rows, number=paginator.num_pages, per_page=per_page)
    else:
        paginator.count = 0
    return Page([row[:-1] for row in found], number, paginator)
