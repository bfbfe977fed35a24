"""Collector pages: the work queue, logging a call (the case page's "calls" panel), a call's
page with its history and corrections, and the recording streamed to the audio player."""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, id_param, in_company_time
from collections_office.personal_data import mask_phone
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from .. import selectors
from ..access import CASE_SUPERVISOR_ROLES, COLLECTOR_ROLES
from ..call_forms import NEW_NUMBER, PROMISE_OUTCOME, CallLogForm, QueueFilterForm
from ..case_page import case_panel
from ..compliance.checks import ComplianceRefused
from ..models import CallLog, Case, ContactPoint, OverdueBucket
from ..selectors import calls as call_selectors
from ..selectors import queue as queue_selectors
from ..selectors.casepage_data import case_page_data
from ..services import calls as call_services
from ..services.call_promises import call_log_with_promise
from ..services.call_start import call_start, open_started_call
from .casepage_rows import recent_calls_html
from .common import history_rows
from .queue_rows import queue_rows_html
from .ranged import ranged_file_response

logger = logging.getLogger("cases.views")

QUEUE_PAGE_SIZE = 50
CALLS_SHOWN = 10
CASE_PAGE_ROLES = selectors.CASE_VIEWER_ROLES + COLLECTOR_ROLES


# --- The queue -------------------------------------------------------------------------------


def _queue_for(user, params: QueryDict):
    form = QueueFilterForm(params or None)
    return form, queue_selectors.collector_queue(user=user, **form.filters())


def _queue_string(params: QueryDict) -> str:
    """The queue's filters as a query string to carry to the case page and back."""
    kept = {key: params.get(key) for key in ("q", "bank", "bucket", "status", "last_contact")}
    # Never empty: its presence says "opened from the queue".
    return urlencode({"from": "queue", **{key: value for key, value in kept.items() if value}})


@role_required(*COLLECTOR_ROLES)
@in_company_time
def queue(request):
    now = timezone.now()
    form = QueueFilterForm(request.GET or None)
    cases = queue_selectors.collector_queue(user=request.user, now=now, **form.filters())
    # Page on ids (an index-only ranking that counts the queue too), then read the page's
    # rows as plain values and make their HTML in one pass (through the template, the
    # rows were most of the page's CPU: docs/benchmarks.md).
    page = queue_selectors.queue_page(
        cases, number=request.GET.get("page"), per_page=QUEUE_PAGE_SIZE
    )
    page.object_list = queue_selectors.queue_page_rows(page.object_list)
    rows = queue_rows_html(page.object_list, now=now, queue_string=_queue_string(request.GET))
    return render(
        request,
        "cases/calls/queue.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "query": request.GET.get("q", ""),
            "selected": {
                key: request.GET.get(key, "")
                for key in ("bank", "bucket", "status", "last_contact")
            },
            "banks": selectors.case_filter_banks(user=request.user),
            "bucket_choices": OverdueBucket.choices,
            "status_choices": [
                (value, label)
                for value, label in Case.Status.choices
                if value in Case.OPEN_STATUSES
            ],
            "last_contact_choices": list(queue_selectors.LAST_CONTACT_FILTERS.items()),
            "reasons": queue_selectors.queue_sources(),
        },
    )


# --- Logging a call: the case page panel and the form's view ---------------------------------


def _case_for_page(request, pk: int) -> Case:
    return get_scoped_object_or_404(
        selectors.case_list(user=request.user), user=request.user, pk=pk
    )


def _may_log_calls(user, case: Case) -> bool:
    return case.is_open and (
        case.assigned_to_id == user.pk or has_role(user, *CASE_SUPERVISOR_ROLES)
    )


def _call_form(request, case: Case, data=None, files=None, *, started=None) -> CallLogForm:
    form = CallLogForm(
        data,
        files,
        case=case,
        outcomes=list(call_selectors.active_outcomes()),
        phones=case_page_data(case).phones,
        started=started,
        initial={"queue": request.GET.get("queue", "")},
    )
    return form


@case_panel("calls", template="cases/calls/_panel.html", order=20, column="main")
def calls_panel(request, case: Case) -> dict | None:
    form = getattr(request, "call_form", None)
    may_log = _may_log_calls(request.user, case)
    started = None
    if may_log:
        # Read only when the case has a dialled, unlogged call at all (casepage_data).
        started = getattr(request, "started_call", None) or case_page_data(case).started_call(
            lambda: open_started_call(case=case, collector=request.user)
        )
    if form is None and may_log:
        form = _call_form(request, case, started=started)
    calls = case_page_data(case).calls(limit=CALLS_SHOWN)
    return {
        "case": case,
        "form": form,
        "may_log": may_log,
        "started": started,
        "calls": calls,
        "calls_html": recent_calls_html(calls),
        "refusal": getattr(request, "call_refusal", None),
        "refused_dial": getattr(request, "call_refused_dial", False),
        "may_override": has_role(request.user, *CASE_SUPERVISOR_ROLES),
        "new_number": NEW_NUMBER,
        "from_queue": bool(request.GET.get("queue") or request.POST.get("queue")),
    }


@role_required(*CASE_PAGE_ROLES)
@in_company_time
@require_POST
def call_start_view(request, pk: int):
    """The "Call" button of a number: the rules are checked before it is dialled.

    Allowed: a started call, and the page with the call form ready to log it. Refused:
    the page again (409) with the rule and the numbers named; the refusal is recorded.
    """
    case = _case_for_page(request, pk)
    if not _may_log_calls(request.user, case):
        raise PermissionDenied
    point = id_param(request.POST.get("contact_point"))
    if point is None:
        messages.error(request, _("Choose the number to call."))
        return redirect(reverse("cases:case_detail", args=[case.pk]) + "#contact-points")
    try:
        call = call_start(case=case, actor=request.user, contact_point=point)
    except ComplianceRefused as refused:
        request.call_refusal = refused
        request.call_refused_dial = True
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(reverse("cases:case_detail", args=[case.pk]) + "#panel-calls")
    else:
        messages.info(
            request,
            _("Calling %(number)s: log the call here when it ends.")
            % {"number": mask_phone(call.contact_point.value)},
        )
        queue = request.POST.get("queue", "")
        query = f"?{urlencode({'queue': queue})}" if _queue_params(queue) else ""
        return redirect(reverse("cases:case_detail", args=[case.pk]) + query + "#panel-calls")
    from .casepage import case_page_response

    return case_page_response(request, pk, status=409)


def _queue_params(raw: str) -> QueryDict:
    # The hidden field carries the queue's own query string; anything odd is dropped.
    if not raw or not re.fullmatch(r"[\w%&=+.\-~]*", raw):
        return QueryDict("")
    return QueryDict(raw)


@role_required(*CASE_PAGE_ROLES)
@in_company_time
@require_POST
def call_log_create(request, pk: int):
    case = _case_for_page(request, pk)
    if not _may_log_calls(request.user, case):
        raise PermissionDenied
    started = None
    if id_param(request.POST.get("started_call")) is not None:
        started = open_started_call(case=case, collector=request.user)
        request.started_call = started
    form = _call_form(request, case, request.POST, request.FILES, started=started)
    queue_params = _queue_params(request.POST.get("queue", ""))
    queue_raw = queue_params.urlencode()
    from_queue = bool(queue_raw)
    if form.is_valid():
        data = form.cleaned_data
        queue_before = None
        position = None
        if from_queue:
            _form, queue_before = _queue_for(request.user, queue_params)
            position = queue_selectors.queue_position(queue_before, pk=case.pk)
        promise = data["outcome"].code == PROMISE_OUTCOME
        log = (
            partial(
                call_log_with_promise,
                promise_amount=data.get("promise_amount"),
                promise_due_on=data.get("promise_due_on"),
            )
            if promise
            else call_services.call_log
        )
        try:
            call = log(
                started_call=id_param(request.POST.get("started_call")),
                case=case,
                actor=request.user,
                contact_point=data.get("contact_point_obj"),
                new_number=data.get("new_number", "")
                if data.get("contact_point") == NEW_NUMBER
                else "",
                new_number_relation=data.get("new_number_relation") or ContactPoint.Relation.DEBTOR,
                new_number_contact_name=data.get("new_number_contact_name", ""),
                party=data["party"],
                started_at=data["started_at"],
                duration_seconds=data["duration_seconds"],
                outcome=data["outcome"],
                notes=data.get("notes", ""),
                callback_at=data.get("callback_at"),
                recording=data.get("recording"),
                telephony_recording_id=data.get("telephony_recording_id", ""),
                complete=request.POST.get("action") != "draft",
            )
        except ComplianceRefused as refused:
            request.call_refusal = refused
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            if call.status == CallLog.Status.DRAFT:
                messages.warning(
                    request, _("Call saved as a draft: attach its recording to complete it.")
                )
            else:
                messages.success(
                    request, _("Call and promise logged.") if promise else _("Call logged.")
                )
            if from_queue:
                _form, queue_after = _queue_for(request.user, queue_params)
                following = queue_selectors.queue_next_after(
                    queue_after, position=position, exclude_pk=case.pk
                )
                if following is not None:
                    url = reverse("cases:case_detail", args=[following.pk])
                    return redirect(f"{url}?{urlencode({'queue': queue_raw})}")
                messages.info(request, _("That was the last case of your queue."))
                return redirect(f"{reverse('cases:queue')}?{queue_raw}")
            return redirect(reverse("cases:case_detail", args=[case.pk]) + "#panel-calls")
    request.call_form = form
    from .casepage import case_page_response

    return case_page_response(
        request, pk, status=409 if getattr(request, "call_refusal", None) else 422
    )


# --- A call's page -----------------------------------------------------------------------------


def _call(request, pk: int) -> CallLog:
    return get_scoped_object_or_404(
        call_selectors.call_list(user=request.user), user=request.user, pk=pk
    )


class _CorrectionForm:
    """Reads the correction form's values; the service checks them."""

    def __init__(self, data, outcomes):
        self.data = data
        self.outcomes = {str(outcome.pk): outcome for outcome in outcomes}
        self.errors: dict[str, list[str]] = {}

    def changes(self, call: CallLog) -> dict:
        changes = {}
        data = self.data
        if "outcome" in data:
            changes["outcome"] = self.outcomes.get(data["outcome"])
        if "party" in data:
            changes["party"] = data["party"]
        if "notes" in data:
            changes["notes"] = data["notes"]
        if "duration_seconds" in data:
            try:
                changes["duration_seconds"] = int(data["duration_seconds"])
            except ValueError:
                changes["duration_seconds"] = -1
        if data.get("callback_at"):
            try:
                moment = dt.datetime.strptime(data["callback_at"], "%Y-%m-%dT%H:%M")
                changes["callback_at"] = timezone.make_aware(moment)
            except ValueError:
                self.errors["callback_at"] = [_("Enter a date and time.")]
        else:
            changes["callback_at"] = None
        return changes


@role_required(*CASE_PAGE_ROLES)
@in_company_time
def call_detail(request, pk: int):
    call = _call(request, pk)
    outcomes = list(call_selectors.active_outcomes())
    errors: dict = {}
    may_correct = has_role(request.user, *CASE_SUPERVISOR_ROLES)
    may_attach = call.status == CallLog.Status.DRAFT and (
        call.collector_id == request.user.pk or may_correct
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "correct" and may_correct:
                reader = _CorrectionForm(request.POST, outcomes)
                changes = reader.changes(call)
                if reader.errors:
                    raise ValidationError(reader.errors)
                call_services.call_correct(
                    call=call, actor=request.user, reason=request.POST.get("reason", ""), **changes
                )
                messages.success(request, _("Call corrected; the change is in its history."))
            elif action == "attach" and may_attach:
                call_services.call_attach_recording(
                    call=call,
                    actor=request.user,
                    recording=request.FILES.get("recording"),
                    telephony_recording_id=request.POST.get("telephony_recording_id", ""),
                )
                messages.success(request, _("Recording attached; the call is complete."))
            else:
                raise PermissionDenied
            return redirect("cases:call_detail", pk=call.pk)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    history = history_rows(
        call.history.select_related("history_user", "outcome").order_by("-history_id")
    )
    return render(
        request,
        "cases/calls/call_detail.html",
        {
            "call": call,
            "case": call.case,
            "history": history,
            "outcomes": outcomes,
            "party_choices": CallLog._meta.get_field("party").choices,
            "may_correct": may_correct,
            "may_attach": may_attach,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


# --- The recording, streamed with ranges ---------------------------------------------------


@role_required(*CASE_PAGE_ROLES)
@in_company_time
def call_recording(request, pk: int):
    """The recording for the browser's audio player: Range requests answered with 206."""
    call = _call(request, pk)
    if not call.recording:
        raise Http404
    return ranged_file_response(
        request,
        call.recording,
        content_type=call.recording_content_type,
        filename=f"call-{call.pk}.{call.recording.name.rsplit('.', 1)[-1]}",
        log_extra={"call_id": call.pk},
    )
