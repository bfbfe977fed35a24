"""Shapes of the promotion pages' input; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..models import CommitteeVote, ComplexCaseDefinition, Position, PromotionCriteria
from .setup import STEP_POSITIONS

TEXTAREA = {"rows": 3, "class": "form-control"}


def _bootstrap(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class ApplicationForm(forms.Form):
    capability_statement = forms.CharField(
        label=_("Capability statement"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Techniques, legal knowledge, data analysis, coaching: with examples."),
    )
    attitude_statement = forms.CharField(
        label=_("Attitude statement"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Responsibility, teamwork, initiative, keeping the rules."),
    )
    personal_note = forms.CharField(
        label=_("Anything else about you (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class DepartmentReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("support", _("Support: send to HR")),
            ("send_back", _("Ask for more evidence")),
            ("refuse", _("Do not support")),
        ],
    )
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class HrReviewForm(forms.Form):
    recommend = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("yes", _("Recommend to the committee")), ("no", _("Do not recommend"))],
    )
    evaluation = forms.CharField(
        label=_("Comprehensive evaluation"), widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Vote"), choices=CommitteeVote.Choice.choices)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class DecideForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Effective date (empty: the day after the notice)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class AppealForm(forms.Form):
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs=TEXTAREA))


class AppealDecideForm(forms.Form):
    uphold = forms.ChoiceField(
        label=_("Decision"),
        choices=[("no", _("Dismiss")), ("yes", _("Uphold: back to the committee"))],
    )
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class ResubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the reviewer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(
        label=_("Applications until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    steps = forms.MultipleChoiceField(
        label=_("Steps open (from)"),
        choices=[(p, Position(p).label) for p in STEP_POSITIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    notice_working_days = forms.IntegerField(
        label=_("Public notice (working days)"), min_value=1, max_value=30, initial=5
    )
    quorum = forms.IntegerField(label=_("Committee quorum (votes)"), min_value=1, initial=3)
    committee = forms.ModelMultipleChoiceField(
        label=_("Committee members"),
        queryset=get_user_model().objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, committee_candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if committee_candidates is not None:
            self.fields["committee"].queryset = committee_candidates
        _bootstrap(self)


class CriteriaForm(forms.ModelForm):
    class Meta:
        model = PromotionCriteria
        fields = [
            "min_amount",
            "min_success_rate",
            "min_monthly_completion",
            "min_complex_cases",
            "min_campaigns_led",
            "min_months_at_level",
            "capability_requirements",
            "attitude_requirements",
        ]
        widgets = {
            "capability_requirements": forms.Textarea(attrs={"rows": 2}),
            "attitude_requirements": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


# The codes of cases.Case.Classification (the staff app does not import cases).
DEBTOR_CLASSIFICATIONS = [
    ("cash", _("Able to pay: press for cash")),
    ("collateral", _("Unable but viable: collateral or guarantee")),
    ("in_kind", _("Unable to pay: settlement in kind")),
    ("litigation", _("Malicious: legal action")),
]


class ComplexCaseForm(forms.ModelForm):
    classifications = forms.MultipleChoiceField(
        label=_("debtor classifications"),
        choices=DEBTOR_CLASSIFICATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ComplexCaseDefinition
        fields = ["min_balance", "min_days_overdue", "classifications"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class LevelCorrectForm(forms.Form):
    to_position = forms.ChoiceField(label=_("New level"), choices=Position.choices)
    effective_on = forms.DateField(
        label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Why"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class ComplaintForm(forms.Form):
    subject = forms.ModelChoiceField(
        label=_("Staff member"), queryset=get_user_model().objects.none()
    )
    upheld_on = forms.DateField(
        label=_("Upheld on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("What the complaint was"), widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subjects is not None:
            self.fields["subject"].queryset = subjects
        _bootstrap(self)
