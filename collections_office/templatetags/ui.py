"""Template helpers shared by every page: sortable headers, masking, local time."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag
def form_field(field, wrapper: str = "", hidden: bool = False):
    """A form field in its column: label, widget, errors — `{% form_field form.x "col-6" %}`.
    In Python (it was the include `cases/calls/_field.html`): the case page shows ~30
    fields and an include per field (a context push, a template, the lookups) cost
    about as much as the widgets themselves."""
    errors = format_html_join(
        "",
        '<div class="invalid-feedback d-block" data-field-error="{}">{}</div>',
        ((field.name, error) for error in field.errors),
    )
    return format_html(
        '<div class="{}" id="{}-wrapper"{}>\n'
        '  <label class="form-label small mb-1" for="{}">{}</label>\n'
        "  {}\n  {}\n</div>",
        wrapper or "col-12",
        field.auto_id,
        mark_safe(" hidden") if hidden else "",
        field.field.widget.attrs.get("id", ""),
        field.label,
        str(field),
        errors,
    )
