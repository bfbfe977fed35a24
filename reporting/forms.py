from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds as report_kinds
from .models import ReportSchedule


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["minute", "hour", "day_of_week", "day_of_month", "enabled", "description"]
        widgets = {
            name: forms.TextInput(attrs={"class": "form-control form-control-sm"})
            for name in ("minute", "hour", "day_of_week", "day_of_month", "description")
        } | {"enabled": forms.CheckboxInput(attrs={"class": "form-check-input"})}


class RunForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    period_start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    period_end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (key, kind.label) for key, kind in sorted(report_kinds.kinds().items())
        ]
