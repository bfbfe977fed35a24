"""Front desk pages: thin views over the selectors (reads) and services (writes).

Every view runs in the company's time zone, so the times people type and read
are local while the database keeps UTC.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.exports import NO_STORE, csv_response, xlsx_response
from collections_office.pages import form_errors_from, in_company_time, sort_queryset
from collections_office.personal_data import decrypt_bytes
from collections_office.workdays import company_tz
from staff.selectors import get_scoped_object_or_404, profile_of
from staff.services import personal_data_export_record, personal_data_view_record

from . import forms, selectors, services
from .models import Document, PhoneMessage, Visit
from .validators import format_phone


def desk_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_desk(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _staff_only(user) -> None:
    if profile_of(user) is None and not user.is_superuser:
        raise PermissionDenied


def _history(instance) -> list[dict]:
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


def _flash_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _correct_entry(request, *, form, correct, template: str, context: dict, detail_url: str):
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


def _void_entry(request, *, void, detail_url: str, success: str = ""):
    """The one flow of every void button: a reason is required, the service does the rest."""
    form = forms.VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for voiding."))
        return redirect(detail_url)
    try:
        void(actor=request.user, reason=form.cleaned_data["void_reason"])
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, success or _("The entry is void."))
    return redirect(detail_url)


def _date_param(request, name: str) -> dt.date | None:
    value = request.GET.get(name, "")
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


# --- Home ---------------------------------------------------------------------------------


@in_company_time
def home(request):
    if selectors.is_desk(request.user):
        return redirect("frontdesk:visit_list")
    return redirect("frontdesk:my_items")


@in_company_time
def my_items(request):
    """What the front desk has for me: visitors, messages, documents to sign for."""
    _staff_only(request.user)
    user = request.user
    return render(
        request,
        "frontdesk/my_items.html",
        {
            "visitors": selectors.visit_list(user=user)
            .filter(host=user, status__in=[Visit.Status.ON_SITE, Visit.Status.EXPECTED])
            .order_by("status", "arrived_at", "expected_at"),
            "phone_messages": selectors.messages_for_me(user=user).order_by("-taken_at")[:50],
            "steps": selectors.steps_awaiting_signature(user=user).filter(recipient=user),
        },
    )


# --- Visits -------------------------------------------------------------------------------

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
    queryset = selectors.visit_list(user=request.user)
    filters = {
        "q": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "host": request.GET.get("host", ""),
        "department": request.GET.get("department", ""),
        "organisation": request.GET.get("organisation", "").strip(),
        "date_from": _date_param(request, "date_from"),
        "date_to": _date_param(request, "date_to"),
    }
    if filters["q"]:
        q = filters["q"]
        queryset = queryset.filter(
            Q(visitor_name__icontains=q)
            | Q(organisation__icontains=q)
            | Q(phone__contains=q.replace(" ", ""))
            | Q(badge_number__iexact=q)
            | Q(purpose__icontains=q)
        )
    if filters["status"] in Visit.Status.values:
        queryset = queryset.filter(status=filters["status"])
    if filters["host"].isdigit():
        queryset = queryset.filter(host_id=filters["host"])
    if filters["department"].isdigit():
        queryset = queryset.filter(host_department_id=filters["department"])
    if filters["organisation"]:
        queryset = queryset.filter(organisation__icontains=filters["organisation"])
    day = Q(arrived_at__date__gte=filters["date_from"]) | Q(
        arrived_at__isnull=True, expected_at__date__gte=filters["date_from"]
    )
    if filters["date_from"]:
        queryset = queryset.filter(day)
    if filters["date_to"]:
        queryset = queryset.filter(
            Q(arrived_at__date__lte=filters["date_to"])
            | Q(arrived_at__isnull=True, expected_at__date__lte=filters["date_to"])
        )
    return queryset, filters


@in_company_time
def visit_list(request):
    _staff_only(request.user)
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

    stamp = timezone.localdate().isoformat()
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
        {"form": form, "expected": selectors.visits_expected(user=request.user)[:20]},
    )


@in_company_time
def visit_preregister(request):
    _staff_only(request.user)
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


@in_company_time
def visit_detail(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    is_desk = selectors.is_desk(request.user)
    return render(
        request,
        "frontdesk/visit_detail.html",
        {
            "visit": visit,
            "is_desk": is_desk,
            "arrival_form": forms.ArrivalForm() if is_desk else None,
            "void_form": forms.VoidForm() if is_desk else None,
            "history": _history(visit),
            "unmasked_id": None,
        },
    )


@in_company_time
@desk_only
@require_POST
def visit_reveal_id(request, pk: int):
    """Shows the full ID number to the desk, and records that it was seen."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    personal_data_view_record(user=request.user, obj=visit, fields=["id_number"], path=request.path)
    response = render(
        request,
        "frontdesk/visit_detail.html",
        {
            "visit": visit,
            "is_desk": True,
            "arrival_form": forms.ArrivalForm(),
            "void_form": forms.VoidForm(),
            "history": _history(visit),
            "unmasked_id": visit.id_number,
        },
    )
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
        _flash_error(request, exc)
        return redirect("frontdesk:visit_detail", pk=visit.pk)
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
        _flash_error(request, exc)
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
    return _correct_entry(
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
    return _void_entry(
        request,
        void=lambda **fields: services.visit_void(visit=visit, **fields),
        detail_url=reverse("frontdesk:visit_detail", args=[visit.pk]),
    )


def _in_building_context(request) -> dict:
    now = timezone.now()
    visits = list(selectors.visits_in_building(user=request.user))
    for visit in visits:
        minutes = max(int((now - visit.arrived_at).total_seconds() // 60), 0)
        visit.time_on_site = f"{minutes // 60}:{minutes % 60:02d}"
    return {
        "visits": visits,
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
    context["expected"] = selectors.visits_expected(user=request.user, day=timezone.localdate())
    return render(request, "frontdesk/in_building.html", context)


@in_company_time
@desk_only
def in_building_live(request):
    """The in-building list and its count, as the fragment the page polls for."""
    response = render(request, "frontdesk/_in_building_live.html", _in_building_context(request))
    response["Cache-Control"] = "private, no-store"
    return response


# --- Phone messages ---------------------------------------------------------------------------

MESSAGE_SORTS = {
    "taken": "taken_at",
    "caller": "caller_name",
    "urgency": "urgency",
    "status": "status",
    "for": "recipient__last_name",
}


@in_company_time
def message_list(request):
    _staff_only(request.user)
    queryset = selectors.message_list(user=request.user)
    filters = {
        "q": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "date_from": _date_param(request, "date_from"),
        "date_to": _date_param(request, "date_to"),
        "mine": request.GET.get("mine", ""),
    }
    if filters["q"]:
        q = filters["q"]
        queryset = queryset.filter(
            Q(caller_name__icontains=q)
            | Q(caller_organisation__icontains=q)
            | Q(message__icontains=q)
            | Q(caller_phone__contains=q.replace(" ", ""))
        )
    if filters["status"] in PhoneMessage.Status.values:
        queryset = queryset.filter(status=filters["status"])
    if filters["date_from"]:
        queryset = queryset.filter(taken_at__date__gte=filters["date_from"])
    if filters["date_to"]:
        queryset = queryset.filter(taken_at__date__lte=filters["date_to"])
    if filters["mine"]:
        queryset = queryset.filter(
            Q(recipient=request.user) | Q(recipient_department__head=request.user)
        )
    queryset, sort = sort_queryset(queryset, request, MESSAGE_SORTS, "-taken")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    cutoff = timezone.now() - selectors.unhandled_message_threshold()
    return render(
        request,
        "frontdesk/message_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "status_choices": PhoneMessage.Status.choices,
            "is_desk": selectors.is_desk(request.user),
            "cutoff": cutoff,
        },
    )


@in_company_time
@desk_only
def message_take(request):
    form = forms.PhoneMessageForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_take(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Message from %(caller)s logged for %(recipient)s.")
                % {"caller": message.caller_name, "recipient": message.recipient_label},
            )
            if "save_and_new" in request.POST:
                return redirect("frontdesk:message_take")
            return redirect("frontdesk:message_list")
    return render(request, "frontdesk/message_form.html", {"form": form})


@in_company_time
def message_detail(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    return render(
        request,
        "frontdesk/message_detail.html",
        {
            "message": message,
            "may_handle": message.status == PhoneMessage.Status.OPEN
            and selectors.may_handle_message(user=request.user, message=message),
            "is_desk": selectors.is_desk(request.user),
            "may_correct": message.status != PhoneMessage.Status.VOID
            and selectors.may_manage_message(user=request.user, message=message),
            "handle_form": forms.HandleMessageForm(),
            "void_form": forms.VoidForm(),
            "history": _history(message),
        },
    )


@in_company_time
@require_POST
def message_handle(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    form = forms.HandleMessageForm(request.POST)
    form.is_valid()
    try:
        services.message_mark_handled(
            message=message, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("Marked as handled."))
    return redirect("frontdesk:message_detail", pk=message.pk)


@in_company_time
@desk_only
def message_correct(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    form = forms.MessageCorrectionForm(request.POST or None, instance=message, user=request.user)
    return _correct_entry(
        request,
        form=form,
        # The form has already put its values on `message`: the service gets a fresh row.
        correct=lambda **fields: services.message_correct(
            phone_message=PhoneMessage.objects.get(pk=message.pk), **fields
        ),
        template="frontdesk/message_correct.html",
        context={"message": message},
        detail_url=reverse("frontdesk:message_detail", args=[message.pk]),
    )


@in_company_time
@desk_only
@require_POST
def message_void(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    return _void_entry(
        request,
        void=lambda **fields: services.message_void(message=message, **fields),
        detail_url=reverse("frontdesk:message_detail", args=[message.pk]),
    )


# --- Documents -------------------------------------------------------------------------------

DOCUMENT_SORTS = {
    "number": "register_number",
    "registered": "registered_at",
    "date": "document_date",
    "title": "title",
    "sender": "sender",
    "status": "status",
    "due": "reply_due",
}


def _filtered_documents(request):
    queryset = selectors.document_list(user=request.user)
    filters = {
        "q": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "direction": request.GET.get("direction", ""),
        "date_from": _date_param(request, "date_from"),
        "date_to": _date_param(request, "date_to"),
    }
    if filters["q"]:
        q = filters["q"]
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(register_number__icontains=q)
            | Q(reference_number__icontains=q)
            | Q(sender__icontains=q)
            | Q(receiving_unit__icontains=q)
        )
    if filters["status"] in Document.Status.values:
        queryset = queryset.filter(status=filters["status"])
    if filters["direction"] in Document.Direction.values:
        queryset = queryset.filter(direction=filters["direction"])
    if filters["date_from"]:
        queryset = queryset.filter(document_date__gte=filters["date_from"])
    if filters["date_to"]:
        queryset = queryset.filter(document_date__lte=filters["date_to"])
    return queryset, filters


@in_company_time
def document_list(request):
    _staff_only(request.user)
    queryset, filters = _filtered_documents(request)
    queryset, sort = sort_queryset(queryset, request, DOCUMENT_SORTS, "-registered")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _document_export(queryset, export)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "frontdesk/document_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "status_choices": Document.Status.choices,
            "direction_choices": Document.Direction.choices,
            "is_desk": selectors.is_desk(request.user),
            "export_query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


def _document_export(queryset, kind: str):
    header = [
        _("Register no."),
        _("Kind"),
        _("Title"),
        _("Reference no."),
        _("Sender"),
        _("Receiving unit"),
        _("Date"),
        _("Urgency"),
        _("Confidentiality"),
        _("Reply due"),
        _("Status"),
    ]

    def rows():
        for document in queryset.iterator(chunk_size=500):
            confidential = document.is_confidential
            yield [
                document.register_number,
                document.get_direction_display(),
                # A spreadsheet travels: confidential titles stay out of it.
                _("(confidential)") if confidential else document.title,
                document.reference_number,
                document.sender,
                document.receiving_unit,
                document.document_date,
                document.get_urgency_display(),
                document.get_confidentiality_display(),
                document.reply_due,
                document.get_status_display(),
            ]

    stamp = timezone.localdate().isoformat()
    if kind == "xlsx":
        return xlsx_response(f"documents-{stamp}.xlsx", header, rows())
    return csv_response(f"documents-{stamp}.csv", header, rows())


@in_company_time
@desk_only
def document_register(request):
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files", [])
        try:
            document = services.document_register(actor=request.user, files=files, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Registered as %(number)s. Route it to whoever must sign for it.")
                % {"number": document.register_number},
            )
            return redirect("frontdesk:document_detail", pk=document.pk)
    return render(request, "frontdesk/document_form.html", {"form": form})


def _document_page(request, document, **extra):
    user = request.user
    steps = list(document.steps.select_related("recipient", "routed_by", "recipient_department"))
    current = steps[-1] if steps else None
    may_manage = selectors.may_manage_document(user=user, document=document)
    holder = current is not None and current.recipient_id == user.pk
    may_route = document.is_open and (may_manage or (holder and current.signed_at is not None))
    signed = any(s.recipient_id == user.pk and s.signed_at for s in steps)
    context = {
        "document": document,
        "steps": steps,
        "attachments": selectors.document_attachments(document=document),
        "voided_attachments": selectors.document_attachments_voided(document=document)
        if may_manage
        else [],
        "records": document.records.select_related("recorded_by"),
        "may_manage": may_manage,
        "may_route": may_route,
        "may_record": document.is_open and (may_manage or signed),
        "may_attach": document.is_open
        and (may_manage or any(s.recipient_id == user.pk for s in steps)),
        "route_form": forms.RouteForm(user=user),
        "record_form": forms.RecordForm(),
        "attach_form": forms.AttachForm(),
        "void_form": forms.VoidForm(),
        "history": _history(document),
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    context.update(extra)
    return render(request, "frontdesk/document_detail.html", context)


@in_company_time
def document_detail(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    return _document_page(request, document)


@in_company_time
@require_POST
def document_route(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    form = forms.RouteForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            step = services.document_route(
                document=document, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Routed to %(name)s, who has been asked to sign for it.")
                % {"name": step.recipient.get_full_name() or step.recipient.username},
            )
            return redirect("frontdesk:document_detail", pk=document.pk)
    return _document_page(request, document, route_form=form)


@in_company_time
@require_POST
def step_sign(request, pk: int, step_pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    step = get_scoped_object_or_404(document.steps.all(), user=request.user, pk=step_pk)
    try:
        services.step_sign(step=step, actor=request.user)
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("Signed for. The desk can see who signed and when."))
    return redirect("frontdesk:document_detail", pk=document.pk)


@in_company_time
@require_POST
def document_record(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    form = forms.RecordForm(request.POST)
    if form.is_valid():
        try:
            services.document_record_add(document=document, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The record is added."))
            return redirect("frontdesk:document_detail", pk=document.pk)
    return _document_page(request, document, record_form=form)


@in_company_time
@require_POST
def document_attach(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_attach(
                document=document, actor=request.user, files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The scans are attached."))
            return redirect("frontdesk:document_detail", pk=document.pk)
    return _document_page(request, document, attach_form=form)


@in_company_time
@require_POST
def document_close(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    try:
        services.document_close(document=document, actor=request.user)
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("The document is closed."))
    return redirect("frontdesk:document_detail", pk=document.pk)


@in_company_time
@desk_only
def document_correct(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    if not selectors.may_manage_document(user=request.user, document=document):
        raise PermissionDenied
    form = forms.DocumentCorrectionForm(request.POST or None, instance=document)
    return _correct_entry(
        request,
        form=form,
        # The form has already put its values on `document`: the service gets a fresh row.
        correct=lambda **fields: services.document_correct(
            document=Document.objects.get(pk=document.pk), **fields
        ),
        template="frontdesk/document_correct.html",
        context={"document": document},
        detail_url=reverse("frontdesk:document_detail", args=[document.pk]),
    )


@in_company_time
@desk_only
@require_POST
def attachment_void(request, pk: int, attachment_pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    attachment = selectors.attachment_get(user=request.user, document=document, pk=attachment_pk)
    return _void_entry(
        request,
        void=lambda **fields: services.attachment_void(attachment=attachment, **fields),
        detail_url=reverse("frontdesk:document_detail", args=[document.pk]),
        success=_("The scan %(name)s is void; it is kept but no longer offered.")
        % {"name": attachment.original_name},
    )


@in_company_time
@require_POST
def document_void(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    return _void_entry(
        request,
        void=lambda **fields: services.document_void(document=document, **fields),
        detail_url=reverse("frontdesk:document_detail", args=[document.pk]),
    )


def attachment_download(request, pk: int, attachment_pk: int):
    """Serves a scan as a download, only to people who may see its document."""
    document = selectors.document_get(user=request.user, pk=pk)
    attachment = selectors.attachment_get(user=request.user, document=document, pk=attachment_pk)
    try:
        with default_storage.open(attachment.stored_name, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        raise Http404 from None
    if attachment.encrypted:
        data = decrypt_bytes(data)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
