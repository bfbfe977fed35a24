"""Forms of field visits, special procedures and period extensions: shape only; the rules
are in cases.services.visits and cases.services.procedures."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.call_forms import _local_datetime_field
from cases.models import Party, SpecialProcedure, VisitReport
from cases.selectors.casepage import mask_address
from collections_office.workdays import company_today


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (photos, documents); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class _Styled(forms.Form):
    prefix_id = "visit"

    def __init__(self, *args, **kwargs):
        # Several of these forms share a page (the case page's panels): their own auto ids
        # keep the field wrappers' ids unique.
        kwargs.setdefault("auto_id", f"{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-control")
            widget.attrs.setdefault("id", f"{self.prefix_id}-{name.replace('_', '-')}")


def _text(label, *, rows: int = 2, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _date(label) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _coordinate(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class NominationForm(_Styled):
    """The debtor's known addresses are offered masked (choosing one is not a reveal);
    a new address can be typed instead."""

    prefix_id = "nominate"
    # Empty, these fields' HTML is the same on every case page (ui.form_field); the field
    # collectors and the debtor's addresses are the case's.
    constant_html_fields = frozenset({"address", "reason", "find_out"})
    field_collector = forms.ChoiceField(label=_("Field collector"))
    address_point = forms.ChoiceField(label=_("Address to visit"), required=False)
    address = forms.CharField(label=_("… or another address"), max_length=500, required=False)
    reason = _text(_("Reason for the visit"))
    find_out = _text(_("What to find out"))

    def __init__(self, *args, field_collectors, addresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.collectors = {str(user.pk): user for user in field_collectors}
        self.fields["field_collector"].choices = [
            (pk, f"{user.get_full_name() or user.get_username()} ({user.waiting})")
            for pk, user in self.collectors.items()
        ]
        if field_collectors and not self.is_bound:
            least = min(field_collectors, key=lambda user: (user.waiting, user.pk))
            self.initial.setdefault("field_collector", str(least.pk))
        self.addresses = {str(point.pk): point for point in addresses}
        self.fields["address_point"].choices = [("", "—")] + [
            (pk, mask_address(point.value)) for pk, point in self.addresses.items()
        ]
        if addresses and not self.is_bound:
            self.initial.setdefault("address_point", str(addresses[0].pk))

    def clean(self):
        data = super().clean()
        data["field_collector"] = self.collectors.get(data.get("field_collector") or "")
        typed = (data.get("address") or "").strip()
        point = self.addresses.get(data.get("address_point") or "")
        data["address"] = typed or (point.value if point else "")
        data.pop("address_point", None)
        if not data["address"]:
            self.add_error("address", _("Choose one of the debtor's addresses or type one."))
        return data


class VisitPlanForm(_Styled):
    prefix_id = "plan"
    visit_date = _date(_("Visit date"))
    notes = _text(_("Notes"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("visit_date", company_today())

    def route(self) -> list[int]:
        """The ticked visits (`stops`) in the route order typed next to each (`order_<id>`);
        a visit without an order keeps its place in the list. Ids are checked by the service."""
        data = self.data
        chosen = []
        for index, raw in enumerate(data.getlist("stops")):
            if not str(raw).isdigit():
                continue
            order_raw = str(data.get(f"order_{raw}", "")).strip()
            order = int(order_raw) if order_raw.isdigit() else 1000 + index
            chosen.append((order, index, int(raw)))
        return [pk for _order, _index, pk in sorted(chosen)]


class VisitReportForm(_Styled):
    prefix_id = "report"
    visited_at = _local_datetime_field(_("Visited at"), required=True)
    place = forms.CharField(label=_("Where"), max_length=255)
    met = forms.ChoiceField(label=_("Whom met"), choices=Party.choices)
    met_name = forms.CharField(label=_("Name of whom met"), max_length=120, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitReport.Outcome.choices)
    notes = _text(_("Notes"), rows=3, required=False)
    recording = forms.FileField(
        label=_("Audio recording (required)"),
        required=False,  # the service names the missing recording on its field
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*,.amr,.m4a"}),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    latitude = _coordinate(_("Latitude"))
    longitude = _coordinate(_("Longitude"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "visited_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class ReviewForm(_Styled):
    prefix_id = "review"
    comment = _text(_("Comment"), required=False)


class VisitExtensionForm(_Styled):
    prefix_id = "extension"
    new_due_on = _date(_("New due date"))
    reason = _text(_("Reason"))


class SafetyAlertForm(_Styled):
    prefix_id = "alert"
    message = _text(_("What is happening"))
    latitude = _coordinate(_("Latitude"))
    longitude = _coordinate(_("Longitude"))


class CancelForm(_Styled):
    prefix_id = "cancel"
    reason = _text(_("Why cancel"))


class ProcedureForm(_Styled):
    prefix_id = "procedure"
    # Empty, its HTML is the same on every page: made once per process (ui.form_field).
    constant_html_fields = "__all__"
    kind = forms.ChoiceField(label=_("Procedure"), choices=SpecialProcedure.Kind.choices)
    reason = _text(_("Reason"), rows=3)
    documents = MultipleFileField(
        label=_("Documents (PDF, JPEG, PNG)"),
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ProcedureCloseForm(_Styled):
    prefix_id = "procedure-close"
    # Empty, its HTML is the same on every page: made once per process (ui.form_field).
    constant_html_fields = "__all__"
    outcome = _text(_("Outcome"), rows=3)


class PeriodExtensionForm(_Styled):
    prefix_id = "period"
    # Empty, its HTML is the same on every page: made once per process (ui.form_field).
    constant_html_fields = "__all__"
    new_ends_on = _date(_("Extend to"))
    reason = _text(_("Reason"))
    next_steps = _text(_("Next-step plan"), rows=3)
