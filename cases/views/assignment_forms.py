"""Forms of the assignment pages: shape only; the assignment services check the rules."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import OverdueBucket
from cases.selectors.assignment import UnassignedFilter


class UnassignedFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=80)
    branch = forms.IntegerField(required=False, min_value=1)
    bank = forms.IntegerField(required=False, min_value=1)
    agreement = forms.IntegerField(required=False, min_value=1)
    placement = forms.IntegerField(required=False, min_value=1)
    bucket = forms.ChoiceField(choices=[("", ""), *OverdueBucket.choices], required=False)
    service_level = forms.ChoiceField(
        choices=[
            ("", ""),
            ("overdue", pgettext_lazy("assignment", "Overdue")),
            ("due_today", pgettext_lazy("assignment", "Due today")),
        ],
        required=False,
    )
    balance_min = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    balance_max = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    received_from = forms.DateField(required=False)
    received_to = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        low, high = data.get("balance_min"), data.get("balance_max")
        if low is not None and high is not None and low > high:
            self.add_error("balance_max", _("The upper bound is below the lower one."))
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return data

    def filters(self) -> UnassignedFilter:
        """The valid filters (a bad one is reported on the page and left out)."""
        self.is_valid()
        data = {key: value for key, value in self.cleaned_data.items() if key not in self.errors}
        return UnassignedFilter(
            query=(data.get("q") or "").strip(),
            branch=data.get("branch"),
            bank=data.get("bank"),
            agreement=data.get("agreement"),
            placement=data.get("placement"),
            bucket=data.get("bucket") or "",
            service_level=data.get("service_level") or "",
            balance_min=data.get("balance_min"),
            balance_max=data.get("balance_max"),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
        )


def filters_from_querystring(querystring: str) -> tuple[UnassignedFilterForm, UnassignedFilter]:
    form = UnassignedFilterForm(QueryDict(querystring or ""))
    return form, form.filters()


class AssignForm(forms.Form):
    """The selection (ticked cases, or all the filter matches) and who gets it."""

    SCOPES = [
        ("selection", pgettext_lazy("assignment", "The ticked cases")),
        ("filter", pgettext_lazy("assignment", "Every case the filter matches")),
    ]

    scope = forms.ChoiceField(choices=SCOPES, initial="selection")
    case = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    collector = forms.IntegerField(required=False, min_value=1)
    collectors = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    by_bucket = forms.BooleanField(required=False)
    # The list page's query string: the filter is applied again when the form arrives.
    filter = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ids are accepted here; the selectors decide what the user may touch.
        self.fields["case"].valid_value = lambda value: True
        self.fields["collectors"].valid_value = lambda value: True


class CaseAssignForm(forms.Form):
    collector = forms.IntegerField(required=False, min_value=1)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Who the supervisor saw the case with ("" = nobody): a change since is a conflict.
    expected = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ReassignForm(forms.Form):
    case = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    collector = forms.IntegerField(required=False, min_value=1)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].valid_value = lambda value: True
