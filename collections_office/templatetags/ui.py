"""Template helpers shared by every page: sortable headers, masking, local time."""

from django import template
from django.template.loader import get_template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from collections_office import personal_data
from collections_office.navigation import menus_html

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


# The HTML of fields (and whole forms) that come out the same on every page while the form
# is empty: a form says which with `constant_html_fields` (see `constant_html`). Keyed by
# everything that HTML can vary with (language, value, choices), so a process holds a few
# dozen entries at most; bound forms (with the user's input and errors) never come here.
_CONSTANT_HTML: dict[tuple, str] = {}
ALL_FIELDS = "__all__"


def _choices_key(choices) -> tuple:
    """Choices as plain text (lazy labels translated), option groups included."""
    return tuple(
        (str(value), _choices_key(label) if isinstance(label, list | tuple) else str(label))
        for value, label in choices
    )


def _constant_key(form, names, *extra) -> tuple | None:
    """The memo key of `names` of `form`, or None when their HTML may differ per page."""
    if form.is_bound:
        return None
    constant = getattr(form, "constant_html_fields", ())
    if constant != ALL_FIELDS and not all(name in constant for name in names):
        return None
    values = []
    for name in names:
        bound = form[name]
        choices = getattr(bound.field, "choices", None)
        if choices is not None and not isinstance(choices, list | tuple):
            return None  # lazy choices (a queryset's): reading them here would query
        values.append(
            (
                name,
                str(bound.value()),
                bound.field.disabled,
                bound.field.required,
                _choices_key(choices) if choices else (),
            )
        )
    return (get_language(), type(form), form.prefix, form.auto_id, *extra, *values)


def constant_html(key: tuple | None, render) -> str:
    if key is None:
        return render()
    html = _CONSTANT_HTML.get(key)
    if html is None:
        html = _CONSTANT_HTML[key] = render()
    return html


@register.simple_tag
def form_fields(form):
    """`{% include "partials/form_fields.html" with form=form %}`, made once per process
    (and language) for an empty form that declares its HTML constant: the include of a
    small form cost the case page about 1 ms each."""
    key = _constant_key(form, list(form.fields), "form_fields")
    return constant_html(
        key, lambda: get_template("partials/form_fields.html").render({"form": form})
    )


@register.simple_tag
def form_field(field, wrapper: str = "", hidden: bool = False):
    """A form field in its column (`_form_field`), made once per process for an empty form's
    field whose HTML is constant (`constant_html_fields`: it depends on the language, its
    value and its choices only, all in the key)."""
    key = _constant_key(field.form, [field.name], wrapper, hidden)
    return constant_html(key, lambda: _form_field(field, wrapper, hidden))


def _form_field(field, wrapper: str = "", hidden: bool = False):
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


@register.simple_tag(takes_context=True)
def nav_menus(context):
    """The navigation bar's menus (`navigation.menus_html`) from `nav_menus`, which the
    navigation context processor gives as a function (built only when a page asks)."""
    entries = context.get("nav_menus") or []
    return menus_html(entries() if callable(entries) else entries)
