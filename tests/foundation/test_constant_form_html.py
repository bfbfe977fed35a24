"""Empty forms' HTML made once per process (ui.form_field / ui.form_fields): the same HTML
as rendering them each time, and never for a bound form, another language or other choices."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext_lazy

from cases.call_forms import CallLogForm
from cases.money_forms import PaymentClaimForm, PlanForm, PromiseForm
from cases.views.casepage import ClassificationForm, ContactPointForm, HoldForm
from cases.visit_forms import NominationForm, PeriodExtensionForm, ProcedureForm
from collections_office.templatetags import ui


class Outcome:
    def __init__(self, pk, label):
        self.pk, self.label = pk, label
        self.requires_callback, self.code = False, "x"

    def __str__(self):
        return self.label


class Point:
    def __init__(self, pk, value):
        self.pk, self.value, self.is_valid = pk, value, True
        self.contact_name, self.kind = "", "phone"

    def get_relation_display(self):
        return "debtor"


class Shared(forms.Form):
    constant_html_fields = "__all__"
    name = forms.CharField(label=gettext_lazy("Reason"), required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", gettext_lazy("Phone number"))])


@pytest.fixture(autouse=True)
def empty_memo():
    ui._CONSTANT_HTML.clear()
    yield
    ui._CONSTANT_HTML.clear()


def _call_form(outcomes=(), phones=(), data=None):
    return CallLogForm(data, case=None, outcomes=list(outcomes), phones=list(phones))


def _fields_html(form):
    return get_template("partials/form_fields.html").render({"form": form})


@pytest.mark.parametrize(
    "make",
    [
        ContactPointForm,
        HoldForm,
        lambda: ClassificationForm(initial={"classification": "hard"}),
        PromiseForm,
        lambda: PaymentClaimForm(initial={"channel": "to_bank"}),
        PlanForm,
        ProcedureForm,
        PeriodExtensionForm,
        lambda: _call_form([Outcome(1, "No answer")], [Point(7, "13800001111")]),
        lambda: NominationForm(field_collectors=[], addresses=[]),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_remembered_field_is_the_html_rendered_afresh(make, language):
    with translation.override(language):
        for _ in range(2):  # the first fills the memo, the second reads it
            form = make()
            for field in form:
                assert ui.form_field(field, "col-6") == ui._form_field(field, "col-6")
            assert ui.form_fields(form) == _fields_html(form)
    assert ui._CONSTANT_HTML  # something was remembered


def test_each_language_has_its_own_html():
    with translation.override("en"):
        english = ui.form_fields(Shared())
    with translation.override("zh-hans"):
        chinese = ui.form_fields(Shared())
    assert english != chinese
    assert "Phone number" in english and "Phone number" not in chinese


def test_a_bound_form_is_never_remembered():
    ui.form_fields(Shared({"name": "x", "kind": "zzz"}))
    bound = Shared({"name": "typed <b>", "kind": "zzz"})
    html = ui.form_fields(bound)
    assert "typed &lt;b&gt;" in html and "invalid-feedback" in html
    assert not ui._CONSTANT_HTML


def test_another_value_or_other_choices_make_other_html():
    first = ui.form_fields(Shared(initial={"name": "one"}))
    second = ui.form_fields(Shared(initial={"name": "two"}))
    assert 'value="one"' in first and 'value="two"' in second
    form = _call_form([Outcome(1, "No answer")])
    assert "No answer" in str(ui.form_field(form["outcome"]))
    other = _call_form([Outcome(1, "Refused to pay")])
    assert "Refused to pay" in str(ui.form_field(other["outcome"]))


def test_the_case_own_fields_are_rendered_each_time():
    # The number called is the case's phones: never remembered, or a case would show
    # another debtor's numbers.
    first = _call_form(phones=[Point(7, "13800001111")])
    second = _call_form(phones=[Point(8, "13900002222")])
    assert "1111" in ui.form_field(first["contact_point"])
    assert "2222" in ui.form_field(second["contact_point"])
    assert "1111" not in ui.form_field(second["contact_point"])
    nomination = NominationForm(field_collectors=[], addresses=[])
    ui.form_field(nomination["address_point"])
    assert not ui._CONSTANT_HTML
