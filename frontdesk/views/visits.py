"""Visitor log pages: list and export, register, pre-register, arrive, check out, correct."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.exports import NO_STORE, csv_response, xlsx_response
from collections_office.pages import form_errors_from, id_param, in_company_time, sort_queryset
from collections_office.workdays import company_today, company_tz
from staff.access import role_required
from staff.attendance.selectors import away_today
from staff.services import personal_data_export_record, personal_data_view_record

from .. import forms, selectors, services
from ..models import Visit
from ..validators import format_phone
from .common import (
    correct_entry_page,
    date_param,
    desk_only,
    entry_history,
    flash_errors,
    void_entry_page,
)

VISIT_SORTS = {
    "arrived": "arrived_at",
    "name": "visitor_name",
    "organisation": "organisation",
    "host": "host__last_name",
    "department": "host_department__name",
    "status": "status",
    "left": "departed_at",
}


def _filtered_visits(request):
    filters = {
        "q": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "host": request.GET.get("host", ""),
        "department": request.GET.get("department", ""),
        "organisation": request.GET.get("organisation", "").strip(),
        "date_from": date_param(request, "date_from"),
        "date_to": date_param(request, "date_to"),
    }
    queryset = selectors.visit_list_filtered(
        user=request.user,
        query=filters["q"],
        status=filters["status"],
        host_id=id_param(filters["host"]),
        department_id=id_param(filters["department"]),
        organisation=filters["organisation"],
        date_from=filters["date_from"],
        date_to=filters["date_to"],
    )
    return queryset, filters


@role_required()
@in_company_time
def visit_list(request):
    queryset, filters = _filtered_visits(request)
    queryset, sort = sort_queryset(queryset, request, VISIT_SORTS, "-arrived")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _visit_export(request, queryset, export)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "frontdesk/visit_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "status_choices": Visit.Status.choices,
            "hosts": selectors.host_choices(user=request.user),
            "departments": selectors.department_choices(user=request.user),
            "is_desk": selectors.is_desk(request.user),
            "export_query": request.GET.urlencode(),
        },
    )


def _visit_export(request, queryset, kind: str):
    # Names and phone numbers in full, many visitors at once: the download is recorded
    # like an unmasked view (who, when, which filter, how many people).
    personal_data_export_record(
        user=request.user,
        model=Visit,
        records=queryset.count(),
        fields=["visitor_name", "phone", "organisation", "id_number_masked"],
        path=request.get_full_path(),
    )
    header = [
        _("Visitor"),
        _("Organisation"),
        _("Phone"),
        _("Purpose"),
        _("Visiting"),
        _("Department"),
        _("Expected at"),
        _("Arrived at"),
        _("Left at"),
        _("ID document"),
        _("ID number (masked)"),
        _("Badge"),
        _("Status"),
        _("Notes"),
    ]

    def local(moment):
        return timezone.localtime(moment, company_tz()).replace(tzinfo=None) if moment else None

    def rows():
        for visit in queryset.iterator(chunk_size=500):
            yield [
                visit.visitor_name,
                visit.organisation,
                format_phone(visit.phone),
                visit.purpose,
                visit.host.get_full_name() or visit.host.username,
                visit.host_department.name if visit.host_department else "",
                local(visit.expected_at),
                local(visit.arrived_at),
                local(visit.departed_at),
                visit.get_id_document_type_display() if visit.id_document_type else "",
                visit.id_number_masked,
                visit.badge_number,
                visit.get_status_display(),
                visit.notes,
            ]

    stamp = company_today().isoformat()
    if kind == "xlsx":
        return xlsx_response(f"visitors-{stamp}.xlsx", header, rows())
    return csv_response(f"visitors-{stamp}.csv", header, rows())


@in_company_time
@desk_only
def visit_register(request):
    form = forms.VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_register(actor=request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered; %(host)s has been notified.")
                % {"name": visit.visitor_name, "host": visit.host.get_full_name() or visit.host},
            )
            if "save_and_new" in request.POST:
                return redirect("frontdesk:visit_register")
            return redirect("frontdesk:in_building")
    return render(
        request,
        "frontdesk/visit_form.html",
        {
            "form": form,
            "expected": selectors.visits_expected(user=request.user)[:20],
            # Whom a visitor cannot meet today (approved leave; names and dates only).
            "away_today": away_today(user=request.user, day=company_today()),
        },
    )


@role_required()
@in_company_time
def visit_preregister(request):
    form = forms.PreRegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_preregister(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("The desk will expect %(name)s.") % {"name": visit.visitor_name},
            )
            return redirect("frontdesk:visit_detail", pk=visit.pk)
    return render(request, "frontdesk/preregister_form.html", {"form": form})


@in_company_time
@desk_only
def visitor_lookup(request):
    """Earlier visitors matching what the desk typed (an htmx fragment)."""
    query = (
        request.GET.get("q") or request.GET.get("phone") or request.GET.get("visitor_name") or ""
    )
    matches = selectors.returning_visitors(user=request.user, query=query)
    return render(request, "frontdesk/_visitor_lookup.html", {"matches": matches})


def _visit_detail_page(request, visit, *, arrival_form=None, unmasked_id=None):
    is_desk = selectors.is_desk(request.user)
    return render(
        request,
        "frontdesk/visit_detail.html",
        {
            "visit": visit,
            "is_desk": is_desk,
            "arrival_form": (arrival_form or forms.ArrivalForm()) if is_desk else None,
            "void_form": forms.VoidForm() if is_desk else None,
            "history": entry_history(visit),
            "unmasked_id": unmasked_id,
        },
    )


@in_company_time
def visit_detail(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return _visit_detail_page(request, visit)


@in_company_time
@desk_only
@require_POST
def visit_reveal_id(request, pk: int):
    """Shows the full ID number to the desk, and records that it was seen."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    personal_data_view_record(user=request.user, obj=visit, fields=["id_number"], path=request.path)
    response = _visit_detail_page(request, visit, unmasked_id=visit.id_number)
    response["Cache-Control"] = NO_STORE  # the full ID number: no copy in any cache
    return response


@in_company_time
@desk_only
@require_POST
def visit_arrive(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    form = forms.ArrivalForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("frontdesk:visit_detail", pk=visit.pk)
    try:
        services.visit_arrive(visit=visit, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            flash_errors(request, exc)
            return redirect("frontdesk:visit_detail", pk=visit.pk)
        # A field's problem (the badge another visitor holds): the form again, with the
        # desk's input and the box that confirms.
        form_errors_from(form, exc)
        return _visit_detail_page(request, visit, arrival_form=form)
    messages.success(
        request, _("%(name)s has arrived; the host has been notified.") % {"name": visit}
    )
    return redirect("frontdesk:in_building")


@in_company_time
@desk_only
@require_POST
def visit_check_out(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    try:
        services.visit_check_out(visit=visit, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("%(name)s has left.") % {"name": visit.visitor_name})
    if request.POST.get("next") == "detail":
        return redirect("frontdesk:visit_detail", pk=visit.pk)
    return redirect("frontdesk:in_building")


@in_company_time
@desk_only
def visit_correct(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    form = forms.VisitCorrectionForm(request.POST or None, instance=visit, user=request.user)
    return correct_entry_page(
        request,
        form=form,
        # The form has already put its values on `visit`: the service gets a fresh row.
        correct=lambda **fields: services.visit_correct(
            visit=Visit.objects.get(pk=visit.pk), **fields
        ),
        template="frontdesk/visit_correct.html",
        context={"visit": visit},
        detail_url=reverse("frontdesk:visit_detail", args=[visit.pk]),
    )


@in_company_time
@desk_only
@require_POST
def visit_void(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return void_entry_page(
        request,
        void=lambda **fields: services.visit_void(visit=visit, **fields),
        detail_url=reverse("frontdesk:visit_detail", args=[visit.pk]),
    )


def _in_building_context(request) -> dict:
    """One building's roll-call: the desk's own, or (HQ) the one picked in `?branch=`."""
    now = timezone.now()
    buildings = selectors.buildings(user=request.user)
    building = selectors.building_of(
        user=request.user, branch_id=id_param(request.GET.get("branch", ""))
    )
    visits = list(selectors.visits_in_building(user=request.user, branch=building))
    for visit in visits:
        minutes = max(int((now - visit.arrived_at).total_seconds() // 60), 0)
        visit.time_on_site = f"{minutes // 60}:{minutes % 60:02d}"
    return {
        "visits": visits,
        "building": building,
        "buildings": buildings,
        "live_url": reverse("frontdesk:in_building_live")
        + (f"?branch={building.pk}" if building is not None and len(buildings) > 1 else ""),
        "now": now,
        # The list polls itself (htmx); while nobody touches the page for a session's
        # idle time, desk.js stops polling so the open page does not keep the session alive.
        "refresh_seconds": max(int(settings.FRONTDESK_IN_BUILDING_REFRESH_SECONDS), 1),
        "idle_seconds": int(settings.SESSION_COOKIE_AGE),
    }


@in_company_time
@desk_only
def in_building(request):
    """Who is in the building now (fire roll-call) and who is expected today."""
    context = _in_building_context(request)
    context["expected"] = selectors.visits_expected(
        user=request.user, day=company_today(), branch=context["building"]
    )
    return render(request, "frontdesk/in_building.html", context)


@in_company_time
@desk_only
def in_building_live(request):
    """The in-building list and its count, as the fragment the page polls for."""
    response = render(request, "frontdesk/_in_building_live.html", _in_building_context(request))
    response["Cache-Control"] = "private, no-store"
    return response
