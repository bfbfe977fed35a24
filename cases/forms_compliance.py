"""Forms of the supervisor's compliance tools: shape only; the services enforce the rules."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collections_office.personal_data import mask_phone

from .forms import BootstrapMixin
from .models import CallLog, Case, ComplianceChannelRules, ContactPoint
from .selectors.compliance import RULE_LABELS
from .services.compliance import OVERRIDABLE_RULES, VIOLATION_RULES

# A period longer than this is a report, not a page (and a slow one).
MAX_PERIOD_DAYS = 400


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error(
                    "end", _("Choose at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
                )
        return data


def contact_point_label(point: ContactPoint) -> str:
    relation = point.get_relation_display()
    name = f" {point.contact_name}" if point.contact_name else ""
    return f"{mask_phone(point.value)} ({relation}{name})"


class ContactPointChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return contact_point_label(obj)


class OverrideGrantForm(BootstrapMixin, forms.Form):
    rules = forms.MultipleChoiceField(
        label=_("Rules to let through"),
        choices=[(code, RULE_LABELS[code]) for code in OVERRIDABLE_RULES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the rule or rules the override lets through.")},
    )
    contact_point = ContactPointChoiceField(
        label=_("Number"),
        queryset=ContactPoint.objects.none(),
        required=False,
        empty_label=_("Any of the case's numbers"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Say why the rules may be set aside this time.")},
    )
    message = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)
    channel = forms.CharField(widget=forms.HiddenInput, required=False, max_length=8)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_point"].queryset = ContactPoint.objects.filter(
            debtor_id=case.debtor_id, kind=ContactPoint.Kind.PHONE
        ).order_by("created_at", "pk")
        # Plain checkboxes (Bootstrap's form-control would stretch each one).
        self.fields["rules"].widget.attrs["class"] = "override-rules"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from django.utils import timezone

        started = timezone.localtime(obj.started_at)
        who = obj.collector.get_full_name() or obj.collector.get_username()
        return f"{started:%Y-%m-%d %H:%M} · {who} · {obj.outcome}"


class ViolationForm(BootstrapMixin, forms.Form):
    collector = UserChoiceField(
        label=_("Collector"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Choose the collector.")},
    )
    call = CallChoiceField(
        label=_("Call (optional)"), queryset=CallLog.objects.none(), required=False
    )
    rule = forms.ChoiceField(
        label=_("Rule broken"),
        choices=[("", "—"), *[(code, RULE_LABELS[code]) for code in VIOLATION_RULES]],
        error_messages={"required": _("Choose the rule that was broken (or “other”).")},
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Say when it happened.")},
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Say what happened.")},
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever worked the case: assigned now or before, or made a call on it.
        worked = Q(case_assignments__case=case) | Q(calls__case=case)
        if case.assigned_to_id:
            worked |= Q(pk=case.assigned_to_id)
        User = get_user_model()
        self.fields["collector"].queryset = User.objects.filter(
            pk__in=User.objects.filter(worked).values("pk")
        ).order_by("first_name", "last_name", "username")
        self.fields["call"].queryset = (
            CallLog.objects.filter(case=case)
            .select_related("collector", "outcome")
            .order_by("-started_at", "-pk")
        )


class ChannelRulesForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ComplianceChannelRules
        fields = [
            "window_start",
            "window_end",
            "max_unanswered_per_point_per_day",
            "max_attempts_per_case_per_7_days",
            "quiet_days_after_conversation",
            "third_party_only_when_unreachable",
            "unreachable_after_failed_attempts",
            "unreachable_within_days",
            "recording_required",
        ]
        widgets = {
            "window_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "window_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def _post_clean(self):
        # The model's own checks (the window constraint) run in the service, which
        # reports them on the fields; the form only parses.
        pass


def default_occurred_at() -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime().replace(second=0, microsecond=0)
