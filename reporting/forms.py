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


# The longest period a page computes on request (a year and a day: a leap year whole).
MAX_PERIOD_DAYS = 366


class PeriodForm(forms.Form):
    """The date-range picker of the report pages: a preset or any range up to a year,
    never in the future (company dates)."""

    PRESETS = (
        ("last_week", _("Last week")),
        ("this_week", _("This week so far")),
        ("last_month", _("Last month")),
        ("this_month", _("This month so far")),
        ("custom", _("Chosen dates")),
    )
    preset = forms.ChoiceField(
        label=_("Period"),
        choices=PRESETS,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    period_start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    period_end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, today, default, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.default = default

    def preset_period(self, preset: str):
        import datetime as dt

        from . import kinds as report_kinds

        today = self.today
        if preset == "last_week":
            return report_kinds.previous_period("week", today)
        if preset == "last_month":
            return report_kinds.previous_period("month", today)
        if preset == "this_week":
            return today - dt.timedelta(days=today.weekday()), today
        if preset == "this_month":
            return today.replace(day=1), today
        return None

    def clean(self):
        data = super().clean()
        preset = data.get("preset") or ""
        start, end = data.get("period_start"), data.get("period_end")
        if self.errors:
            return data
        if preset and preset != "custom":
            start, end = self.preset_period(preset)
        elif start is None and end is None:
            start, end = self.default
        elif start is None:
            raise forms.ValidationError({"period_start": _("Choose the first day.")})
        elif end is None:
            raise forms.ValidationError({"period_end": _("Choose the last day.")})
        if start > end:
            raise forms.ValidationError({"period_end": _("The period ends before it starts.")})
        if start > self.today:
            raise forms.ValidationError(
                {"period_start": _("The period is in the future: it starts after today.")}
            )
        if end > self.today:
            raise forms.ValidationError(
                {"period_end": _("The period ends in the future: choose today at the latest.")}
            )
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise forms.ValidationError(
                {"period_end": _("A period covers at most %(n)d days.") % {"n": MAX_PERIOD_DAYS}}
            )
        data["period_start"], data["period_end"] = start, end
        return data
