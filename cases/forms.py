"""Forms of the staff pages: shape validation only; the services enforce the rules."""

from __future__ import annotations

import os

from django import forms
from django.conf import settings
from django.forms import formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from staff.models import Branch
from staff.selectors import sees_all_branches, user_branch

from .models import Agreement, AgreementCommissionRate, Bank, Case, OverdueBucket
from .services.banks import BANK_FIELDS, PLACEMENT_TARGET_FIELDS

AGREEMENT_DOCUMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx"}
AGREEMENT_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BankForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Bank
        fields = list(BANK_FIELDS)


class ColumnMappingRowForm(BootstrapMixin, forms.Form):
    header = forms.CharField(label=_("Header in the bank's file"), max_length=120, required=False)
    target = forms.ChoiceField(
        label=_("Our field"),
        required=False,
        choices=[("", _("— ignore this column —")), *PLACEMENT_TARGET_FIELDS.items()],
    )

    def clean(self):
        data = super().clean()
        if data.get("target") and not data.get("header"):
            self.add_error("header", _("Enter the header the bank uses."))
        return data


ColumnMappingFormSet = formset_factory(ColumnMappingRowForm, extra=3, max_num=60)


def column_mapping_initial(bank: Bank) -> list[dict]:
    return [{"header": header, "target": target} for header, target in bank.column_mapping.items()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AgreementForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "number",
            "signed_on",
            "effective_from",
            "terminates_on",
            "branch",
            "commission_type",
            "flat_rate",
            "reconciliation_day",
            "collection_period_days",
            "compliance_rule_set",
            "plan_min_down_payment_percent",
            "plan_max_instalments",
            "plan_max_term_months",
            "document",
            "notes",
            "retention_years",
        ]
        widgets = {
            "signed_on": DateInput(),
            "effective_from": DateInput(),
            "terminates_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "flat_rate": _("For flat terms: 0.1200 = 12 per cent of what is collected."),
            "reconciliation_day": _("Day of the month (1–28)."),
        }

    def __init__(self, *args, user, bank: Bank, **kwargs):
        super().__init__(*args, **kwargs)
        self.bank = bank
        branches = Branch.objects.all()
        if not sees_all_branches(user):
            branch = user_branch(user)
            branches = branches.filter(pk=branch.pk if branch else None)
        self.fields["branch"].queryset = branches
        self.fields["compliance_rule_set"].empty_label = _("The company's rule set")
        # How long the data is kept decides when it is purged: headquarters sets it.
        self.fields["retention_years"].help_text = _(
            "After the termination date; then the data is purged (after an approval)."
        )
        # Left blank, the agreement keeps its years (five for a new one).
        self.fields["retention_years"].required = False
        if not sees_all_branches(user):
            self.fields["retention_years"].disabled = True

    def clean_retention_years(self):
        value = self.cleaned_data.get("retention_years")
        if value is None:
            return self.instance.retention_years if self.instance.pk else 5
        return value

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "size") and getattr(document, "content_type", None):
            extension = os.path.splitext(document.name)[1].lower()
            if extension not in AGREEMENT_DOCUMENT_EXTENSIONS:
                raise forms.ValidationError(_("Upload a PDF, an image or a Word document."))
            if document.size > AGREEMENT_DOCUMENT_MAX_BYTES:
                raise forms.ValidationError(_("The document is larger than 20 MB."))
        return document

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        others = Agreement.objects.filter(bank=self.bank, number=number)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This bank already has an agreement with this number."))
        return number

    def clean(self):
        data = super().clean()
        if data.get("commission_type") == Agreement.CommissionType.FLAT and (
            data.get("flat_rate") is None
        ):
            self.add_error("flat_rate", _("A flat-rate agreement needs its rate."))
        return data


class BucketRateForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AgreementCommissionRate
        fields = ["bucket", "rate"]


BucketRateFormSet = inlineformset_factory(
    Agreement,
    AgreementCommissionRate,
    form=BucketRateForm,
    fields=["bucket", "rate"],
    extra=len(OverdueBucket.choices),
    max_num=len(OverdueBucket.choices),
    can_delete=True,
)


def bucket_rates_from(formset) -> dict:
    """The formset's rows → {bucket: rate} for the service (deleted and empty rows dropped)."""
    rates = {}
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or not data.get("bucket") or data.get("rate") is None:
            continue
        rates[data["bucket"]] = data["rate"]
    return rates


class ApiKeyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the key is used for, e.g. “nightly placement upload”."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Leave empty for a key that does not expire."),
    )


class PlacementUploadForm(BootstrapMixin, forms.Form):
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=Bank.objects.none())
    agreement = forms.ModelChoiceField(
        label=_("Agreement"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("Leave empty for the bank's agreement in force today."),
    )
    file = forms.FileField(
        label=_("Placement file"), help_text=_("CSV (UTF-8 or GB18030) or XLSX.")
    )

    def __init__(self, *args, banks, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks
        self.fields["agreement"].queryset = agreements

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PLACEMENT_MAX_UPLOAD_BYTES:
            limit = settings.PLACEMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                _("The file is larger than the %(limit)s MB limit.") % {"limit": limit}
            )
        return upload

    def clean(self):
        data = super().clean()
        bank, agreement = data.get("bank"), data.get("agreement")
        if bank and agreement and agreement.bank_id != bank.pk:
            self.add_error("agreement", _("This agreement belongs to another bank."))
        return data


class RepaymentUploadForm(PlacementUploadForm):
    """The bank's repayment file, uploaded by staff for a bank that sent it otherwise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].help_text = _(
            "Leave empty for the bank's agreement in force today; name it for an agreement "
            "that has ended."
        )
        self.fields["file"].label = _("Repayment file")
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or GB18030) or XLSX with the columns account number, amount, "
            "date paid and reference."
        )


class CaseFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=80)
    bank = forms.ModelChoiceField(queryset=Bank.objects.all(), required=False)
    status = forms.ChoiceField(choices=[("", ""), *Case.Status.choices], required=False)
    branch = forms.ModelChoiceField(queryset=Branch.objects.all(), required=False)
    bucket = forms.ChoiceField(choices=[("", ""), *OverdueBucket.choices], required=False)
