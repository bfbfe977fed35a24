"""The form renderer: Django's templates, with the commonest widgets written in Python.

Django renders every widget through its template (`input.html` including `attrs.html`,
a `select.html` including `select_option.html` once per option …). On the case page,
where a collector's forms have about forty widgets, that was a fifth of the page's CPU.
The widgets below produce exactly what Django's own templates produce — a test renders
every form field of the app both ways and compares the HTML — and anything else (other
widgets, forms' own templates) goes to the templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"
# Templates that are `{% include "django/forms/widgets/input.html" %}` and a newline.
_INPUTS = {
    f"{_WIDGETS}{name}.html"
    for name in (
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "file",
        "checkbox",
    )
}
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"
_TEXTAREA = f"{_WIDGETS}textarea.html"
# Checkboxes and radio buttons: `multiple_input.html`, an option template per choice.
_MULTIPLE = {f"{_WIDGETS}checkbox_select.html", f"{_WIDGETS}radio.html"}
_INPUT_OPTIONS = {f"{_WIDGETS}checkbox_option.html", f"{_WIDGETS}radio_option.html"}
# A file input that may show its current file; without one, a plain input.
_CLEARABLE = f"{_WIDGETS}clearable_file_input.html"


def _text(value) -> str:
    """`{{ value }}` in a template (autoescaped, localised)."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(" " + _text(name))
        if value is not True:
            parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


def _input_option(option: dict) -> str:
    """`input_option.html` (and the newline of `checkbox_option.html`/`radio_option.html`)."""
    html = _input(option)
    if option["wrap_label"]:
        label_id = option["attrs"].get("id")
        label_for = f' for="{_text(label_id)}"' if label_id else ""
        html = f"<label{label_for}>{html} {_text(option['label'])}</label>"
    return html + "\n\n"


def _multiple(widget: dict) -> str | None:
    """`multiple_input.html`: checkboxes or radio buttons, each in its `<div>`."""
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{_text(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{_text(attrs["class"])}"')
    parts.append(">")
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f"\n  <div><label>{_text(group_name)}</label>")
        for option in group_choices:
            if option["template_name"] not in _INPUT_OPTIONS:
                return None
            parts.append(f"<div>\n    {_input_option(option)}</div>")
        if group_name:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer; input, select, textarea, checkbox-list and radio
    widgets in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and set(context) == {"widget"}:
            html = None
            if template_name in _INPUTS:
                html = _input(widget) + "\n"
            elif template_name == _SELECT:
                html = _select(widget)
            elif template_name == _TEXTAREA:
                html = _textarea(widget)
            elif template_name in _MULTIPLE:
                html = _multiple(widget)
            elif template_name == _CLEARABLE and not widget.get("is_initial"):
                html = (
                    f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
                    f"{_attrs(widget['attrs'])}>"
                )
            if html is not None:
                return html.strip()  # as Django's renderer strips its templates' output
        return super().render(template_name, context, request=request)
