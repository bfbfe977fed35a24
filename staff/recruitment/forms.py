"""Forms of the recruitment pages: shape checks; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from staff import roles
from staff.models import Candidate, Interview, Position
from staff.talent_forms import DATE_INPUT, StyledForm, UserField


class VacancyForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=list(roles.ROLE_LABELS.items()))
    level = forms.ChoiceField(label=_("Level"), choices=Position.choices)
    headcount = forms.IntegerField(label=_("Number of people"), min_value=1, initial=1)
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class CandidateForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=Candidate.Source.choices)
    referred_by = UserField(label=_("Referred by"), queryset=None, required=False)
    cv = forms.FileField(label=_("CV (PDF or Word .docx)"), required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_by"].queryset = staff if staff is not None else User.objects.none()


class ScheduleInterviewForm(StyledForm):
    kind = forms.ChoiceField(label=_("Interview"), choices=Interview.Kind.choices)
    interviewer = UserField(label=_("Interviewer"), queryset=None)

    def __init__(self, *args, interviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewer"].queryset = interviewers


class ScoreForm(StyledForm):
    score = forms.IntegerField(label=_("Score"))
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class NotesForm(StyledForm):
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class HireForm(StyledForm):
    username = forms.CharField(label=_("User name of the new login"), max_length=150)
    employee_number = forms.CharField(label=_("Employee number"), max_length=20)
    hire_date = forms.DateField(label=_("Hire date"), widget=DATE_INPUT)
    notes = forms.CharField(
        label=_("Decision notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
