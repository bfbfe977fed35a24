"""Forms of the call log and the queue: shape only; the rules are in `cases.services.calls`."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CallOutcome, ContactPoint, OverdueBucket, Party
from cases.selectors.queue import LAST_CONTACT_FILTERS
from collections_office.personal_data import mask_phone

NEW_NUMBER = "new"
# The outcome whose call records a promise to pay (amount and date on the form).
PROMISE_OUTCOME = "promise_to_pay"
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_MINUTE, **kwargs)


def _local_datetime_field(label, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(attrs={"class": "form-control"}),
    )


def _number_label(point: ContactPoint) -> str:
    # Masked like everywhere on the page: full numbers only through the recorded reveal.
    return f"{mask_phone(point.value)} · {point.contact_name or point.get_relation_display()}"


class CallLogForm(forms.Form):
    """Logging a call from the case page (times in the company's zone, as the page shows)."""

    # Empty, these fields' HTML is the same on every case page (the outcomes' choices are in
    # the memo's key): made once per process (ui.form_field). Not the number (the case's
    # phones), the start time (now) or the queue (the request).
    constant_html_fields = frozenset(
        {
            "new_number",
            "new_number_relation",
            "new_number_contact_name",
            "party",
            "duration_seconds",
            "outcome",
            "notes",
            "callback_at",
            "recording",
            "telephony_recording_id",
            "promise_amount",
            "promise_due_on",
        }
    )

    contact_point = forms.ChoiceField(label=_("Number called"))
    new_number = forms.CharField(label=_("New number"), required=False, max_length=40)
    new_number_relation = forms.ChoiceField(
        label=_("Whose number"), choices=ContactPoint.Relation.choices, required=False
    )
    new_number_contact_name = forms.CharField(
        label=_("Name (for a third party's number)"), required=False, max_length=120
    )
    party = forms.ChoiceField(label=_("Who answered"), choices=Party.choices)
    started_at = _local_datetime_field(_("Started at"), required=True)
    duration_seconds = forms.IntegerField(label=_("Duration (seconds)"), min_value=0)
    outcome = forms.ChoiceField(label=_("Outcome"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    callback_at = _local_datetime_field(_("Call back at"), required=False)
    recording = forms.FileField(
        label=_("Recording"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*,.amr,.m4a"}),
    )
    telephony_recording_id = forms.CharField(
        label=_("… or the telephony system's recording id"), required=False, max_length=120
    )
    # With the outcome "promise to pay": the promise itself (cases/services/call_promises.py).
    promise_amount = forms.CharField(label=_("Amount promised"), required=False, max_length=20)
    promise_due_on = forms.DateField(
        label=_("To pay by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # The queue this case was opened from (its filters), to land on the next case.
    queue = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args, case, outcomes, phones, started=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A call dialled from the page: its number and start time are fixed (evidence).
        self.started = started
        self.case = case
        # A list read once (the callback outcomes come from it too), not a queryset.
        self.outcomes = {str(outcome.pk): outcome for outcome in outcomes}
        self.fields["outcome"].choices = [(pk, str(o)) for pk, o in self.outcomes.items()]
        self.phones = {str(point.pk): point for point in phones}
        choices = [
            (
                str(point.pk),
                _number_label(point),
            )
            for point in phones
            if point.is_valid
        ]
        if started is not None:
            point = started.contact_point
            self.phones[str(point.pk)] = point
            choices = [(str(point.pk), _number_label(point))]
            self.fields["contact_point"].disabled = True
            self.fields["started_at"].disabled = True
            self.initial["contact_point"] = str(point.pk)
            self.initial["started_at"] = timezone.localtime(started.started_at).replace(
                microsecond=0
            )
        else:
            choices.append((NEW_NUMBER, _("New number…")))
        self.fields["contact_point"].choices = choices
        self.fields["party"].initial = Party.DEBTOR
        if not self.is_bound:
            self.initial.setdefault("duration_seconds", 0)
            self.initial.setdefault(
                "started_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
            widget.attrs.setdefault("id", f"call-{name.replace('_', '-')}")
        self.callback_outcomes = [str(o.pk) for o in outcomes if o.requires_callback]
        self.promise_outcomes = [str(o.pk) for o in outcomes if o.code == PROMISE_OUTCOME]

    def clean_outcome(self) -> CallOutcome:
        return self.outcomes[self.cleaned_data["outcome"]]

    def clean(self):
        data = super().clean()
        chosen = data.get("contact_point")
        if chosen == NEW_NUMBER:
            data["contact_point_obj"] = None
            if not (data.get("new_number") or "").strip():
                self.add_error("new_number", _("Enter the new number."))
        elif chosen:
            data["contact_point_obj"] = self.phones.get(chosen)
        return data


class QueueFilterForm(forms.Form):
    """The queue's filters and search (a bad value is reported; the others still apply)."""

    q = forms.CharField(required=False, max_length=100)
    bank = forms.IntegerField(required=False, min_value=1)
    bucket = forms.ChoiceField(required=False, choices=[("", ""), *OverdueBucket.choices])
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", ""),
            ("new", "new"),
            ("assigned", "assigned"),
            ("in_progress", "in_progress"),
        ],
    )
    last_contact = forms.ChoiceField(
        required=False, choices=[("", ""), *list(LAST_CONTACT_FILTERS.items())]
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "bank": data.get("bank"),
            "bucket": data.get("bucket") or "",
            "status": data.get("status") or "",
            "last_contact": data.get("last_contact") or "",
            "query": (data.get("q") or "").strip(),
        }
