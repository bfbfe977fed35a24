"""The form renderer's Python widgets give exactly the HTML of Django's widget templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from collections_office.form_renderer import FastWidgetRenderer

TEMPLATES, FAST = DjangoTemplates(), FastWidgetRenderer()

VALUES = [
    None,
    "",
    "plain",
    'a "quoted" <b>&amp;</b>',
    mark_safe("<i>safe</i>"),
    0,
    42,
    Decimal("1234.50"),
    dt.date(2026, 11, 30),
    dt.datetime(2026, 11, 30, 8, 5, tzinfo=dt.UTC),
]
ATTRS = [
    None,
    {"class": "form-control", "required": True, "disabled": False},
    {"id": "id_x", "data-x": '<"&>', "min": 0, "step": Decimal("0.01"), "autofocus": True},
]
CHOICES = [
    ("", "—"),
    (1, "one"),
    ("2", gettext_lazy("Phone number")),
    ("<x>", 'a "b" & <c>'),
    ("Group", [("g1", "first"), (3, 4)]),
    (gettext_lazy("Reason"), [("g2", mark_safe("<em>second</em>"))]),
]
WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.FileInput,
    forms.CheckboxInput,
    forms.Textarea,
    lambda attrs: forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
    lambda attrs: forms.DateTimeInput(attrs={**(attrs or {}), "type": "datetime-local"}),
    lambda attrs: forms.Select(attrs=attrs, choices=CHOICES),
    lambda attrs: forms.SelectMultiple(attrs=attrs, choices=CHOICES),
    lambda attrs: forms.NullBooleanSelect(attrs=attrs),
    lambda attrs: forms.CheckboxSelectMultiple(attrs=attrs, choices=CHOICES),
    lambda attrs: forms.RadioSelect(attrs=attrs, choices=CHOICES),
    forms.ClearableFileInput,
]


@pytest.mark.parametrize("make", WIDGETS)
def test_each_widget_renders_as_its_template(make):
    compared = 0
    for attrs in ATTRS:
        widget = make(attrs)
        for value in [*VALUES, 1, "2", "<x>", ["g1", 3], True, False]:
            try:
                expected = widget.render("f", value, attrs={"id": "id_f"}, renderer=TEMPLATES)
            except TypeError:
                continue  # a value this widget does not take (a list for a yes/no select)
            assert widget.render("f", value, attrs={"id": "id_f"}, renderer=FAST) == expected
            compared += 1
    assert compared >= 45


def test_checkboxes_and_radio_buttons_without_an_id_render_as_their_template():
    for widget in (forms.CheckboxSelectMultiple(choices=CHOICES), forms.RadioSelect()):
        widget.choices = CHOICES
        for value in (None, "1", ["g1", "<x>"]):
            expected = widget.render("r", value, renderer=TEMPLATES)
            assert widget.render("r", value, renderer=FAST) == expected


def test_other_templates_go_to_the_templates():
    class StoredFile(str):  # a file the form shows as the current one (it has a URL)
        url = "/media/file.txt"

    widget = forms.ClearableFileInput()
    expected = widget.render("r", StoredFile("file.txt"), renderer=TEMPLATES)
    assert "Currently" in expected and 'href="/media/file.txt"' in expected
    assert widget.render("r", StoredFile("file.txt"), renderer=FAST) == expected
    form = type("F", (forms.Form,), {"name": forms.CharField(), "when": forms.DateField()})(
        data={"name": "<b>", "when": "nope"}
    )
    assert form.render(renderer=FAST) == form.render(renderer=TEMPLATES)


def test_the_project_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "collections_office.form_renderer.FastWidgetRenderer"
    assert isinstance(get_default_renderer(), FastWidgetRenderer)
