"""Forms of the succession pages: shape checks; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models import Successor
from staff.talent_forms import DATE_INPUT, PersonField, StyledForm, UserField


class KeyPostForm(StyledForm):
    title = forms.CharField(label=_("Post"), max_length=200)
    holder = PersonField(label=_("Holder"), queryset=None, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = people


class SuccessorForm(StyledForm):
    profile = PersonField(label=_("Successor"), queryset=None)
    readiness = forms.ChoiceField(label=_("Readiness"), choices=Successor.Readiness.choices)
    notes = forms.CharField(
        label=_("Development notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = people


class HandoverForm(StyledForm):
    leaver = PersonField(label=_("Person leaving"), queryset=None)
    successor = PersonField(label=_("Successor"), queryset=None)
    supervisor = UserField(label=_("Supervising"), queryset=None)
    leaving_on = forms.DateField(label=_("Last working day"), widget=DATE_INPUT)

    def __init__(self, *args, people=None, supervisors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaver"].queryset = people
        self.fields["successor"].queryset = people
        self.fields["supervisor"].queryset = supervisors


class ThresholdForm(StyledForm):
    """One signal's row on the thresholds page (prefixed with the signal's key)."""

    threshold = forms.DecimalField(
        label=_("Threshold"), max_digits=10, decimal_places=2, min_value=0
    )
    window_days = forms.IntegerField(label=_("Window (days)"), min_value=0, max_value=3650)
    enabled = forms.BooleanField(label=_("enabled"), required=False)
