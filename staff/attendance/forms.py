"""Forms of attendance, leave and overtime: shape checks only; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from staff.models import LeaveRequest, LeaveType, StaffProfile

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget and on the fields in error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def is_valid(self):
        valid = super().is_valid()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"
        return valid

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs["class"]:
                self.fields[name].widget.attrs["class"] += " is-invalid"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class LeaveTypeField(forms.ModelChoiceField):
    def label_from_instance(self, leave_type):
        return leave_type.display_name


class LeaveApplyForm(StyledForm):
    leave_type = LeaveTypeField(
        queryset=LeaveType.objects.filter(active=True), label=_("Leave type")
    )
    start_date = forms.DateField(label=_("From"), widget=DATE_INPUT)
    start_half = forms.ChoiceField(
        label=_("From (half day)"), choices=LeaveRequest.Half.choices, initial="am"
    )
    end_date = forms.DateField(label=_("To"), widget=DATE_INPUT)
    end_half = forms.ChoiceField(
        label=_("To (half day)"), choices=LeaveRequest.Half.choices, initial="pm"
    )
    cover = PersonField(
        queryset=get_user_model().objects.none(), label=_("Who covers the work"), required=False
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        profile = getattr(user, "staff_profile", None)
        colleagues = (
            get_user_model()
            .objects.filter(
                staff_profile__status=StaffProfile.Status.ACTIVE,
                staff_profile__branch_id=getattr(profile, "branch_id", None),
            )
            .exclude(pk=user.pk)
        )
        self.fields["cover"].queryset = colleagues.order_by("last_name", "first_name", "pk")


class LeaveReturnForm(StyledForm):
    returned_on = forms.DateField(label=_("Back at work on"), widget=DATE_INPUT)


class OvertimeApplyForm(StyledForm):
    work_date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    expected_hours = forms.DecimalField(
        label=_("Expected hours"), max_digits=4, decimal_places=1, min_value=0.5, max_value=12
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class OvertimeRecordForm(StyledForm):
    actual_hours = forms.DecimalField(
        label=_("Actual hours"), max_digits=4, decimal_places=1, min_value=0.5, max_value=16
    )
    work_done = forms.CharField(
        label=_("Work done"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class AttendanceCorrectForm(StyledForm):
    clocked_in_at = forms.DateTimeField(label=_("Clocked in at"), widget=DATETIME_INPUT)
    clocked_out_at = forms.DateTimeField(
        label=_("Clocked out at"), widget=DATETIME_INPUT, required=False
    )
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)
