"""Visit report pages (DESIGN §4.5): the field collector files a report (audio required,
photos checked), the supervisor reads it — recording streamed with ranges, photos —
and accepts or returns it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from collections_office.pages import form_errors_from, in_company_time
from staff import roles
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404, has_role

from ..models import VisitNomination, VisitPhoto, VisitReport
from ..selectors import visits as visit_selectors
from ..services import visits as visit_services
from ..visit_forms import ReviewForm, VisitReportForm
from .ranged import ranged_file_response
from .visits import FIELD_ROLES, OVERSEER_ROLES, VISIT_PAGE_ROLES


def _report(request, pk: int) -> VisitReport:
    return get_scoped_object_or_404(
        visit_selectors.report_list(user=request.user), user=request.user, pk=pk
    )


@role_required(*FIELD_ROLES)
@in_company_time
def visit_report_create(request, pk: int):
    """The report form of one visit (a returned report is filed again here)."""
    nomination = get_scoped_object_or_404(
        visit_selectors.nomination_list(user=request.user), user=request.user, pk=pk
    )
    if nomination.field_collector_id != request.user.pk:
        raise Http404
    previous = getattr(nomination, "report", None)
    initial = {}
    if previous is not None:
        initial = {
            name: getattr(previous, name)
            for name in ("visited_at", "place", "met", "met_name", "outcome", "notes")
        }
    form = VisitReportForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = visit_services.visit_report_file(
                    nomination=nomination,
                    actor=request.user,
                    visited_at=data["visited_at"],
                    place=data["place"],
                    met=data["met"],
                    met_name=data.get("met_name", ""),
                    outcome=data["outcome"],
                    notes=data.get("notes", ""),
                    recording=data.get("recording"),
                    photos=data.get("photos") or [],
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Visit report filed: the supervisor will review it."))
                return redirect("cases:visit_report", pk=report.pk)
    return render(
        request,
        "cases/visits/report_form.html",
        {
            "form": form,
            "nomination": nomination,
            "case": nomination.case,
            "previous": previous,
            "may_file": nomination.status == VisitNomination.Status.NOMINATED
            and visit_services.nomination_in_approved_plan(nomination),
        },
        status=status,
    )


@role_required(*VISIT_PAGE_ROLES)
@in_company_time
def visit_report(request, pk: int):
    report = _report(request, pk)
    return _report_page(request, report)


def _report_page(request, report: VisitReport, *, form=None, status: int = 200):
    may_review = (
        has_role(request.user, roles.SUPERVISOR)
        and report.status == VisitReport.Status.SUBMITTED
        and report.field_collector_id != request.user.pk
    )
    return render(
        request,
        "cases/visits/report_detail.html",
        {
            "report": report,
            "case": report.case,
            "photos": list(report.photos.all()),
            "may_review": may_review,
            "form": form or (ReviewForm() if may_review else None),
            "history": report.history.select_related("history_user").order_by("-history_date")[:20],
        },
        status=status,
    )


@role_required(*OVERSEER_ROLES)
@in_company_time
def visit_report_review(request, pk: int):
    report = _report(request, pk)
    if request.method != "POST":
        return redirect("cases:visit_report", pk=report.pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            visit_services.visit_report_review(
                report=report,
                actor=request.user,
                accept=request.POST.get("action") == "accept",
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("cases:visit_report", pk=report.pk)
    return _report_page(request, report, form=form, status=422)


@role_required(*VISIT_PAGE_ROLES)
@in_company_time
def visit_report_recording(request, pk: int):
    report = _report(request, pk)
    return ranged_file_response(
        request,
        report.recording,
        content_type=report.recording_content_type,
        filename=f"visit-{report.pk}.{report.recording.name.rsplit('.', 1)[-1]}",
        log_extra={"visit_report_id": report.pk},
    )


@role_required(*VISIT_PAGE_ROLES)
@in_company_time
def visit_photo(request, pk: int):
    photo = get_scoped_object_or_404(
        VisitPhoto.objects.visible_to(request.user), user=request.user, pk=pk
    )
    return ranged_file_response(
        request,
        photo.image,
        content_type=photo.content_type,
        filename=f"visit-photo-{photo.pk}.{photo.image.name.rsplit('.', 1)[-1]}",
        log_extra={"visit_photo_id": photo.pk},
    )
