"""Forms of the front desk: shape checks only; the services do the writing."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Document, DocumentRecord, PhoneMessage, Visit
from .selectors import department_choices, host_choices
from .validators import check_uploaded_file, max_attachment_bytes

DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
)
DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class _ByBranchIterator(forms.models.ModelChoiceIterator):
    """The people grouped under their branch's name (an <optgroup> each) when they come
    from several branches, in the queryset's order (`host_choices`: own building first)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for user in self.queryset:
            profile = getattr(user, "staff_profile", None)
            groups.setdefault(profile.branch.name if profile else "", []).append(self.choice(user))
        if len(groups) <= 1:
            for choices in groups.values():
                yield from choices
            return
        for branch_name, choices in groups.items():
            yield (branch_name, choices)


class PersonChoiceField(forms.ModelChoiceField):
    """A member of staff shown with their department, so the desk picks the right Wang;
    from several branches, grouped by branch, the user's own building first."""

    iterator = _ByBranchIterator

    def label_from_instance(self, user):
        name = user.get_full_name() or user.username
        try:
            profile = user.staff_profile
        except Exception:
            return name
        where = profile.department.name if profile.department_id else profile.branch.code
        return f"{name} · {where}"


class BootstrapMixin:
    """Bootstrap classes on every widget (templates stay plain loops)."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_error_classes(self):
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"

    def is_valid(self):
        valid = super().is_valid()
        self.add_error_classes()
        return valid


class BadgeConfirmationMixin:
    """A badge still held by a visitor on site is refused by the service with code
    `badge_in_use`; the form then shows the box that hands it out anyway."""

    def _add_badge_confirmation(self):
        self.fields["badge_confirmed"] = forms.BooleanField(
            label=_("Hand out the badge anyway (the other visitor keeps theirs)"),
            required=False,
            widget=forms.HiddenInput,
        )

    def add_error(self, field, error):
        super().add_error(field, error)
        badge_errors = self.errors.as_data().get("badge_number", []) if field else []
        if any(error.code == "badge_in_use" for error in badge_errors):
            self.fields["badge_confirmed"].widget = forms.CheckboxInput(
                attrs={"class": "form-check-input"}
            )


class VisitForm(BadgeConfirmationMixin, BootstrapMixin, forms.ModelForm):
    """The desk's one-screen visitor registration."""

    class Meta:
        model = Visit
        fields = [
            "visitor_name",
            "phone",
            "organisation",
            "host",
            "purpose",
            "arrived_at",
            "id_document_type",
            "id_number",
            "badge_number",
            "notes",
        ]
        widgets = {
            "arrived_at": DATETIME_INPUT,
            "notes": forms.TextInput(),
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"] = PersonChoiceField(
            queryset=host_choices(user=user), label=_("Visiting (host)")
        )
        self.fields["arrived_at"].required = True
        self.fields["arrived_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["visitor_name"].widget.attrs.update(autofocus=True, autocomplete="off")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        # Typing a name or phone offers earlier visitors (htmx, no page reload).
        for name in ("visitor_name", "phone"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("frontdesk:visitor_lookup"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#visitor-matches",
                }
            )
        self._add_badge_confirmation()
        self._style()


class VisitCorrectionForm(VisitForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=100)

    class Meta(VisitForm.Meta):
        fields = [*VisitForm.Meta.fields, "departed_at"]
        widgets = {**VisitForm.Meta.widgets, "departed_at": DATETIME_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control"
        # A correction does not show the full ID number (that would be an unrecorded
        # unmasked view): left empty, the recorded number is kept.
        self._stored_id_number = self.instance.id_number
        self.initial["id_number"] = ""
        self.fields["id_number"].help_text = _("Leave empty to keep the recorded number.")
        self.fields["arrived_at"].required = self.instance.status != Visit.Status.EXPECTED
        for name in ("visitor_name", "phone"):
            for attribute in ("hx-get", "hx-trigger", "hx-target"):
                self.fields[name].widget.attrs.pop(attribute, None)

    def clean_id_number(self):
        return self.cleaned_data.get("id_number") or self._stored_id_number


class PreRegistrationForm(BootstrapMixin, forms.ModelForm):
    """Any member of staff announces an expected visitor."""

    class Meta:
        model = Visit
        fields = [
            "visitor_name",
            "phone",
            "organisation",
            "host",
            "purpose",
            "expected_at",
            "notes",
        ]
        widgets = {"expected_at": DATETIME_INPUT, "notes": forms.TextInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"] = PersonChoiceField(
            queryset=host_choices(user=user), label=_("Visiting (host)"), initial=user.pk
        )
        self.fields["expected_at"].required = True
        self.fields["visitor_name"].widget.attrs.update(autofocus=True)
        self._style()

    def _post_clean(self):
        self.instance.status = Visit.Status.EXPECTED
        super()._post_clean()


class ArrivalForm(BadgeConfirmationMixin, BootstrapMixin, forms.Form):
    """What the desk adds when an expected visitor arrives (optional ID and badge)."""

    id_document_type = forms.ChoiceField(
        label=_("ID document"), choices=Visit.IdDocumentType.choices, required=False
    )
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=40)
    badge_number = forms.CharField(label=_("Badge"), required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_badge_confirmation()
        self._style()

    def clean(self):
        from django.core.exceptions import ValidationError

        from .validators import normalise_id_number

        data = super().clean()
        try:
            data["id_number"] = normalise_id_number(
                data.get("id_document_type", ""), data.get("id_number", "")
            )
        except ValidationError as exc:
            self.add_error("id_number", exc)
        return data


class VoidForm(forms.Form):
    void_reason = forms.CharField(
        label=_("Reason for voiding"),
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class PhoneMessageForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PhoneMessage
        fields = [
            "caller_name",
            "caller_phone",
            "caller_organisation",
            "recipient",
            "recipient_department",
            "message",
            "urgency",
            "outcome",
            "taken_at",
        ]
        widgets = {"taken_at": DATETIME_INPUT, "message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"] = PersonChoiceField(
            queryset=host_choices(user=user), label=_("For (person)"), required=False
        )
        self.fields["recipient_department"].queryset = department_choices(user=user)
        self.fields["taken_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["caller_name"].widget.attrs.update(autofocus=True, autocomplete="off")
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("recipient") and data.get("recipient_department"):
            # One recipient only; the person wins (their department is known anyway).
            data["recipient_department"] = None
        return data


class CorrectionReasonMixin:
    """Every correction says why (kept as the history's change reason)."""

    def _add_reason(self):
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the correction"),
            max_length=100,
            widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        )


class MessageCorrectionForm(CorrectionReasonMixin, PhoneMessageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_reason()


class HandleMessageForm(forms.Form):
    note = forms.CharField(
        label=_("How it was handled"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several scans at once; each is checked by its content, not its name."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = [single(item, initial) for item in files]
        for item in cleaned:
            check_uploaded_file(item)
        return cleaned


def _attachment_help():
    from django.template.defaultfilters import filesizeformat

    return _("PDF, JPEG, PNG, TIFF, Word or Excel; up to %(limit)s each.") % {
        "limit": filesizeformat(max_attachment_bytes())
    }


class DocumentForm(BootstrapMixin, forms.ModelForm):
    files = MultipleFileField(label=_("Scanned attachments"), required=False)

    class Meta:
        model = Document
        fields = [
            "direction",
            "title",
            "reference_number",
            "sender",
            "receiving_unit",
            "document_date",
            "urgency",
            "confidentiality",
            "reply_required",
            "reply_due",
            "notes",
        ]
        widgets = {
            "document_date": DATE_INPUT,
            "reply_due": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_date"].initial = timezone.localdate()
        self.fields["title"].widget.attrs.update(autofocus=True)
        self.fields["files"].help_text = _attachment_help()
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("reply_required") and not data.get("reply_due"):
            self.add_error("reply_due", _("Give the date the reply is due."))
        return data


class DocumentCorrectionForm(CorrectionReasonMixin, DocumentForm):
    """The register details of a document (scans are added or voided on the page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["files"]
        self._add_reason()


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Add scans"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _attachment_help()


class RouteForm(BootstrapMixin, forms.Form):
    recipient = PersonChoiceField(queryset=None, label=_("Route to"))
    instructions = forms.CharField(label=_("Instructions"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = host_choices(user=user)
        self._style()


class RecordForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = DocumentRecord
        fields = ["kind", "record_date", "content", "result"]
        widgets = {"record_date": DATE_INPUT, "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_date"].initial = timezone.localdate()
        self._style()
