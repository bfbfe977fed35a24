"""Forms of the training pages: shape checks; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models import TrainingNeed, TrainingPlan
from staff.talent_forms import DATE_INPUT, PeopleField, PersonField, StyledForm


class PlanForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label=_("Method"), choices=TrainingPlan.Method.choices)
    trainer = forms.CharField(label=_("Trainer"), max_length=120)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    budget = forms.DecimalField(
        label=_("Budget (CNY)"), max_digits=12, decimal_places=2, min_value=0, initial=0
    )
    participants = PeopleField(label=_("Participants"), queryset=None, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people
        self.fields["participants"].widget.attrs["size"] = 8


class EnrolForm(StyledForm):
    participants = PeopleField(label=_("Add participants"), queryset=None)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people


class SessionForm(StyledForm):
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, min_value=0.5, max_value=24
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class ResultForm(StyledForm):
    test_score = forms.IntegerField(label=_("Test score (0–100)"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("completed", _("Completed")), ("withdrawn", _("Withdrawn"))],
    )


class RatingForm(StyledForm):
    work_change_rating = forms.IntegerField(label=_("Change in work (1–5)"))


class NeedForm(StyledForm):
    profile = PersonField(label=_("Person"), queryset=None)
    source = forms.ChoiceField(label=_("Source"), choices=TrainingNeed.Source.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = people
