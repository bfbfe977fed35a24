"""What the front desk pages share: the desk's role gate, history rows, the correct and
void flows, date parameters."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from collections_office.pages import form_errors_from
from staff import roles
from staff.access import role_required

from .. import forms

# The desk's own pages (registering, correcting, voiding); reading is scoped by the selectors.
desk_only = role_required(roles.FRONT_DESK)


def entry_history(instance) -> list[dict]:
    """History rows newest first, each with the labels of the fields it changed."""
    entries = list(instance.history.select_related("history_user").order_by("history_date", "pk"))
    rows, previous = [], None
    for entry in entries:
        changed = []
        if previous is not None:
            delta = entry.diff_against(previous)
            # The keyed hash changes with the ID number; naming it twice says nothing.
            changed = [
                str(instance._meta.get_field(name).verbose_name)
                for name in delta.changed_fields
                if not name.endswith("_hash")
            ]
        rows.append({"entry": entry, "changed": changed})
        previous = entry
    rows.reverse()
    return rows


def flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def correct_entry_page(request, *, form, correct, template: str, context: dict, detail_url: str):
    """The one flow of every correction page: the reason goes to the service, the rest too."""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            correct(actor=request.user, reason=reason, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("The entry is corrected; the history keeps the old values.")
            )
            return redirect(detail_url)
    return render(request, template, {"form": form, **context})


def void_entry_page(request, *, void, detail_url: str, success: str = ""):
    """The one flow of every void button: a reason is required, the service does the rest."""
    form = forms.VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for voiding."))
        return redirect(detail_url)
    try:
        void(actor=request.user, reason=form.cleaned_data["void_reason"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, success or _("The entry is void."))
    return redirect(detail_url)


def date_param(request, name: str) -> dt.date | None:
    value = request.GET.get(name, "")
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None
