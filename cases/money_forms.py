"""Forms of promises, payment plans and payments: shape only; the rules are in the services
(cases/services/promises.py, cases/services/payments.py). Amounts are read as text so the
service says what is wrong with them on the field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapMixin, DateInput
from .models import Payment


def _ids(form: forms.Form, prefix: str) -> None:
    for name, field in form.fields.items():
        field.widget.attrs.setdefault("id", f"{prefix}-{name.replace('_', '-')}")


class PromiseForm(BootstrapMixin, forms.Form):
    # Empty, its HTML is the same on every page: made once per process (ui.form_field).
    constant_html_fields = "__all__"

    amount = forms.CharField(label=_("Amount promised"), max_length=20)
    due_on = forms.DateField(label=_("To pay by"), widget=DateInput())
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _ids(self, "promise")


class PaymentClaimForm(BootstrapMixin, forms.Form):
    # Empty, its HTML is the same on every page: made once per process (ui.form_field).
    constant_html_fields = "__all__"

    amount = forms.CharField(label=_("Amount paid"), max_length=20)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Paid to"), choices=Payment.Channel.choices)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    receipt = forms.FileField(
        label=_("Receipt scan (image or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf"}),
    )
    over_balance_reason = forms.CharField(
        label=_("If more than the balance: why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _ids(self, "payment")


class PlanForm(BootstrapMixin, forms.Form):
    # Empty, its HTML is the same on every page: made once per process (ui.form_field).
    constant_html_fields = "__all__"

    total_amount = forms.CharField(label=_("Plan's total"), max_length=20)
    instalments = forms.CharField(
        label=_("Instalments"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-12-15 300.00"}),
        help_text=_("One per line: the due date (YYYY-MM-DD) and the amount."),
    )
    reason = forms.CharField(
        label=_("Reason (required when outside the agreement's terms)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _ids(self, "plan")

    def clean_instalments(self) -> list[tuple[str, dt.date]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["instalments"].splitlines(), start=1):
            parts = line.replace(",", " ").split()
            if not parts:
                continue
            try:
                due_on = dt.date.fromisoformat(parts[0])
                amount = parts[1]
            except (ValueError, IndexError):
                raise forms.ValidationError(
                    _("Line %(number)s: write the due date (YYYY-MM-DD), then the amount.")
                    % {"number": number}
                ) from None
            rows.append((amount, due_on))
        return rows


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", ""), ("all", "all"), *Payment.Status.choices]
    )
    channel = forms.ChoiceField(required=False, choices=[("", ""), *Payment.Channel.choices])
    bank = forms.IntegerField(required=False, min_value=1)
    collector = forms.IntegerField(required=False, min_value=1)
    q = forms.CharField(required=False, max_length=64)
    sort = forms.CharField(required=False, max_length=20)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "",
            "channel": data.get("channel") or "",
            "bank": data.get("bank"),
            "collector": data.get("collector"),
            "query": (data.get("q") or "").strip(),
            "sort": data.get("sort") or "",
        }


class ReconcileMonthForm(BootstrapMixin, forms.Form):
    """Finance's "reconcile a month": an agreement and a month (YYYY-MM). The agreement's
    scope and the month's rules are the service's (reporting/reconciliation.py)."""

    agreement = forms.IntegerField(
        label=_("Agreement"),
        widget=forms.Select(),
        error_messages={
            "required": _("Choose the agreement."),
            "invalid": _("Choose the agreement."),
        },
    )
    month = forms.CharField(
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        error_messages={"required": _("Choose the month to reconcile.")},
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].widget.choices = [("", "—")] + [
            (agreement.pk, f"{agreement.bank.name} · {agreement.number}")
            for agreement in agreements
        ]
        _ids(self, "reconcile")

    def clean_month(self) -> dt.date:
        value = self.cleaned_data["month"].strip()
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                _("Enter the month as year and month, e.g. 2026-10.")
            ) from None


class StatementLineNoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("A note is at most 500 characters.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _ids(self, "line")
