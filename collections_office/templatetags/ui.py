"""Template helpers shared by every page: sortable headers, masking, local time."""

from django import template
from django.utils.html import format_html

from collections_office import personal_data

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    """A table header link that sorts by `key`, toggling direction, keeping other filters."""
    request = context["request"]
    current = request.GET.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params["sort"] = f"-{key}"
        arrow, aria = "▲", "ascending"
    elif current == f"-{key}":
        params["sort"] = key
        arrow, aria = "▼", "descending"
    else:
        params["sort"] = key
        arrow, aria = "", "none"
    return format_html(
        '<a class="sort-link text-reset text-decoration-none" href="?{}" aria-sort="{}">{} '
        '<span class="sort-arrow">{}</span></a>',
        params.urlencode(),
        aria,
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = page_number
    return "?" + params.urlencode()


@register.filter
def mask_id(value):
    return personal_data.mask_id_number(value)


@register.filter
def mask_phone(value):
    return personal_data.mask_phone(value)


@register.filter
def mask_card(value):
    return personal_data.mask_card_number(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def person(user):
    """A user as people read it: the full name, else the username; "—" for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
