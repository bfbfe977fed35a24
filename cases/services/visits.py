"""Field visits (DESIGN §4.5): nominating a case for a visit, the visit plan, the visit
report with its recording and photos, its review, deadline extensions, safety alerts.

Every write is one transaction with its history row. A plan and a deadline extension
go to the supervisor through the approvals framework (cases/approvals.py registers the
kinds; their `on_decided` callbacks below run inside the decision's transaction).
Files (the recording, photos) are stored only if the transaction commits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import approvals
from cases.access import CASE_SUPERVISOR_ROLES
from cases.approvals import subject_pk
from cases.images import IMAGE_TYPES, photo_clean
from cases.models import (
    Case,
    Party,
    SafetyAlert,
    VisitDeadlineExtension,
    VisitNomination,
    VisitPhoto,
    VisitPlan,
    VisitPlanStop,
    VisitReport,
)
from cases.selectors.visits import branch_supervisors, field_collectors_of
from cases.services.call_recordings import recording_check, recording_remove, recording_store
from cases.services.work import case_action_logged
from collections_office.workdays import add_working_days, company_tz, local_date
from staff import roles
from staff.selectors import has_role
from staff.services import notification_in_their_language
from staff.stored_text import in_english

FUTURE_TOLERANCE = dt.timedelta(minutes=2)


def move(row, to: str, *, field: str = "status") -> None:
    """Moves `row` to state `to` if its model's TRANSITIONS allow it, else a ValidationError."""
    current = getattr(row, field)
    if to not in row.TRANSITIONS.get(current, set()):
        raise ValidationError(
            {
                field: _("Cannot go from “%(current)s” to “%(to)s”.")
                % {
                    "current": row.Status(current).label,
                    "to": row.Status(to).label,
                }
            }
        )
    setattr(row, field, to)


def _require_text(**fields) -> dict[str, str]:
    cleaned, errors = {}, {}
    for name, value in fields.items():
        value = (value or "").strip()
        if not value:
            errors[name] = _("This field is required.")
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _may_nominate(user, case: Case) -> bool:
    return case.assigned_to_id == user.pk or has_role(user, *CASE_SUPERVISOR_ROLES)


# --- Nominations -------------------------------------------------------------------------


@transaction.atomic
def visit_nominate(
    *, case: Case, actor, field_collector, reason: str, address: str, find_out: str
) -> VisitNomination:
    """Puts `case` on today's visit list of `field_collector` (DESIGN §4.5).

    The hand-over is now; the visit is due VISIT_DUE_WORKING_DAYS working days later.
    """
    text = _require_text(reason=reason, address=address, find_out=find_out)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not _may_nominate(actor, locked):
        raise ValidationError(_("Only the case's collector or a supervisor may ask for a visit."))
    if not locked.is_open:
        raise ValidationError(_("The case is closed: no visit can be asked for."))
    if (
        field_collector is None
        or not field_collectors_of(locked.branch_id).filter(pk=field_collector.pk).exists()
    ):
        raise ValidationError(
            {"field_collector": _("Choose a field collector of the case's branch.")}
        )
    if VisitNomination.objects.filter(
        case=locked, status__in=VisitNomination.OPEN_STATUSES
    ).exists():
        raise ValidationError(_("This case is already on a visit list."))
    now = timezone.now()
    nomination = VisitNomination(
        case=locked,
        branch_id=locked.branch_id,
        nominated_by=actor,
        field_collector=field_collector,
        nominated_at=now,
        list_day=local_date(now),
        due_at=add_working_days(now, settings.VISIT_DUE_WORKING_DAYS),
        **text,
    )
    nomination._history_user = actor
    nomination.save()
    case_action_logged(case=locked, actor=actor, at=now)
    notification_in_their_language(
        recipient=field_collector,
        actor=actor,
        make=lambda: (_("A case was added to your visit list"), text["reason"]),
        url=reverse("cases:visit_list"),
        email=False,
    )
    return nomination


@transaction.atomic
def visit_nomination_cancel(*, nomination: VisitNomination, actor, reason: str) -> VisitNomination:
    reason = _require_text(cancel_reason=reason)["cancel_reason"]
    locked = VisitNomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.nominated_by_id != actor.pk and not has_role(actor, *CASE_SUPERVISOR_ROLES):
        raise ValidationError(_("Only who asked for the visit or a supervisor may cancel it."))
    move(locked, VisitNomination.Status.CANCELLED)
    locked.cancel_reason = reason
    locked._history_user = actor
    locked.save()
    return locked


# --- Plans -------------------------------------------------------------------------------


def _nominations_for_plan(actor, nomination_ids: list[int]) -> list[VisitNomination]:
    if not nomination_ids:
        raise ValidationError({"stops": _("Choose at least one case to visit.")})
    if len(set(nomination_ids)) != len(nomination_ids):
        raise ValidationError({"stops": _("A case appears twice in the route.")})
    found = {
        n.pk: n
        for n in VisitNomination.objects.select_for_update()
        .select_related("case")
        .filter(pk__in=nomination_ids)
    }
    missing = [
        pk
        for pk in nomination_ids
        if pk not in found
        or found[pk].field_collector_id != actor.pk
        or found[pk].status != VisitNomination.Status.NOMINATED
    ]
    if missing:
        raise ValidationError(
            {"stops": _("Only cases on your visit list and still to visit can be planned.")}
        )
    planned = VisitPlanStop.objects.filter(
        nomination_id__in=nomination_ids,
        plan__status__in=(VisitPlan.Status.SUBMITTED, VisitPlan.Status.APPROVED),
        nomination__status=VisitNomination.Status.NOMINATED,
    ).select_related("nomination__case")
    taken = [stop.nomination.case.account_no for stop in planned]
    if taken:
        raise ValidationError(
            {
                "stops": _("Already in another plan: %(cases)s.")
                % {"cases": ", ".join(sorted(taken))}
            }
        )
    return [found[pk] for pk in nomination_ids]


@transaction.atomic
def visit_plan_submit(
    *, actor, visit_date: dt.date, nomination_ids: list[int], notes: str = ""
) -> VisitPlan:
    """The field collector's plan for `visit_date`: the cases in route order, to the
    supervisor for approval. Only cases on the collector's own visit list, still to visit
    and not in another pending or approved plan."""
    if not has_role(actor, roles.FIELD_COLLECTOR):
        raise ValidationError(_("Only a field collector submits a visit plan."))
    if visit_date is None:
        raise ValidationError({"visit_date": _("Enter the date of the visits.")})
    today = local_date(timezone.now())
    if visit_date < today:
        raise ValidationError({"visit_date": _("The visit date cannot be in the past.")})
    nominations = _nominations_for_plan(actor, nomination_ids)
    plan = VisitPlan(
        branch_id=nominations[0].branch_id,
        field_collector=actor,
        visit_date=visit_date,
        notes=(notes or "").strip(),
        submitted_at=timezone.now(),
    )
    plan._history_user = actor
    plan.save()
    VisitPlanStop.objects.bulk_create(
        VisitPlanStop(plan=plan, nomination=nomination, position=index)
        for index, nomination in enumerate(nominations, start=1)
    )
    approvals.request_approval(
        kind="cases.visit_plan",
        subject=plan,
        branch=plan.branch,
        requested_by=actor,
        summary=in_english(
            gettext_noop("Visit plan for %(date)s: %(count)s cases"),
            date=visit_date.isoformat(),
            count=len(nominations),
        ),
    )
    return plan


def visit_plan_decided(approval, approved: bool) -> None:
    """The approvals framework's callback (inside the decision's transaction)."""
    plan = VisitPlan.objects.select_for_update().get(pk=subject_pk(approval))
    move(plan, VisitPlan.Status.APPROVED if approved else VisitPlan.Status.RETURNED)
    plan.decided_by = approval.decided_by
    plan.decided_at = approval.decided_at or timezone.now()
    plan.decision_comment = approval.comment or ""
    plan._history_user = approval.decided_by
    plan.save()


def nomination_in_approved_plan(nomination: VisitNomination) -> bool:
    return VisitPlanStop.objects.filter(
        nomination=nomination, plan__status=VisitPlan.Status.APPROVED
    ).exists()


# --- Reports -----------------------------------------------------------------------------


def _coordinate(value, *, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not (-limit <= number <= limit):
        raise ValidationError(
            {field: _("Enter a number between -%(limit)s and %(limit)s.") % {"limit": limit}}
        )
    return number


def _location(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    lat = _coordinate(latitude, field="latitude", limit=90)
    lon = _coordinate(longitude, field="longitude", limit=180)
    if (lat is None) != (lon is None):
        raise ValidationError(
            {"longitude" if lon is None else "latitude": _("Give both coordinates or neither.")}
        )
    return lat, lon


def _photos_checked(photos) -> list[tuple[bytes, str]]:
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > settings.VISIT_PHOTOS_MAX_COUNT:
        raise ValidationError(
            {
                "photos": _("At most %(count)s photos per report.")
                % {"count": settings.VISIT_PHOTOS_MAX_COUNT}
            }
        )
    return [photo_clean(photo) for photo in photos]


def _photo_store(data: bytes, kind: str) -> tuple[str, str]:
    _content_type, extension = IMAGE_TYPES[kind]
    name = f"visit-photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"
    return default_storage.save(name, ContentFile(data)), hashlib.sha256(data).hexdigest()


def visit_report_file(
    *,
    nomination: VisitNomination,
    actor,
    visited_at: dt.datetime,
    place: str,
    met: str,
    outcome: str,
    recording,
    photos=(),
    met_name: str = "",
    notes: str = "",
    latitude=None,
    longitude=None,
) -> VisitReport:
    """The field collector's report of a visit in an approved plan: the recording is
    required (the call recording rules), photos are checked from their bytes.

    A report the supervisor returned is filed again in place (history keeps the first).
    Nothing is written, and no file is kept, unless everything is valid.
    """
    errors = {}
    text = {"place": (place or "").strip(), "notes": (notes or "").strip()}
    if not text["place"]:
        errors["place"] = _("Say where the visit took place.")
    if met not in Party.values:
        errors["met"] = _("Choose whom you met.")
    if outcome not in VisitReport.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if visited_at is None:
        errors["visited_at"] = _("Enter when the visit took place.")
    elif visited_at > timezone.now() + FUTURE_TOLERANCE:
        errors["visited_at"] = _("The visit cannot be in the future.")
    # Forms give minutes: a visit in the minute of the hand-over is not "before" it.
    elif visited_at < nomination.nominated_at.replace(second=0, microsecond=0):
        errors["visited_at"] = _("The visit cannot be before the case was handed over.")
    if not recording:
        errors["recording"] = _("Attach the visit's audio recording: it is required.")
    if errors:
        raise ValidationError(errors)
    kind = recording_check(recording)
    lat, lon = _location(latitude, longitude)
    cleaned_photos = _photos_checked(photos)

    stored_recording, stored_photos = None, []
    try:
        with transaction.atomic():
            locked = VisitNomination.objects.select_for_update().get(pk=nomination.pk)
            if locked.field_collector_id != actor.pk:
                raise ValidationError(_("Only the field collector of this visit files its report."))
            if locked.status != VisitNomination.Status.NOMINATED:
                raise ValidationError(_("This visit's report is already filed."))
            if not nomination_in_approved_plan(locked):
                raise ValidationError(
                    _("This visit is not in an approved visit plan yet: submit a plan first.")
                )
            report = VisitReport.objects.filter(nomination=locked).first()
            if report is None:
                report = VisitReport(
                    nomination=locked,
                    case_id=locked.case_id,
                    branch_id=locked.branch_id,
                    field_collector=actor,
                )
            else:
                move(report, VisitReport.Status.SUBMITTED)
                report.reviewed_by, report.reviewed_at = None, None
            stored_recording = recording_store(recording, kind)
            report.visited_at = visited_at
            report.met = met
            report.met_name = (met_name or "").strip()
            report.outcome = outcome
            report.latitude, report.longitude = lat, lon
            report.place, report.notes = text["place"], text["notes"]
            report.recording.name = stored_recording.name
            report.recording_sha256 = stored_recording.sha256
            report.recording_size = stored_recording.size
            report.recording_content_type = stored_recording.content_type
            report.submitted_at = timezone.now()
            report._history_user = actor
            report.save()
            for data, photo_kind in cleaned_photos:
                name, digest = _photo_store(data, photo_kind)
                stored_photos.append(name)
                VisitPhoto.objects.create(
                    report=report,
                    image=name,
                    sha256=digest,
                    content_type=IMAGE_TYPES[photo_kind][0],
                    size=len(data),
                )
            move(locked, VisitNomination.Status.REPORTED)
            locked._history_user = actor
            locked.save()
    except BaseException:
        recording_remove(stored_recording)
        for name in stored_photos:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        raise
    return report


@transaction.atomic
def visit_report_review(
    *, report: VisitReport, actor, accept: bool, comment: str = ""
) -> VisitReport:
    """The supervisor accepts the report (the visit is done) or returns it with a comment
    (the field collector files it again)."""
    locked = VisitReport.objects.select_for_update().get(pk=report.pk)
    if not has_role(actor, roles.SUPERVISOR):
        raise ValidationError(_("Only a supervisor reviews visit reports."))
    if locked.field_collector_id == actor.pk:
        raise ValidationError(_("Nobody reviews their own visit report."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say what must change before returning the report.")})
    if locked.status != VisitReport.Status.SUBMITTED:
        raise ValidationError(_("This report has been reviewed already."))
    move(locked, VisitReport.Status.ACCEPTED if accept else VisitReport.Status.RETURNED)
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.review_comment = comment
    locked._history_user = actor
    locked.save()
    nomination = VisitNomination.objects.select_for_update().get(pk=locked.nomination_id)
    move(
        nomination,
        VisitNomination.Status.CLOSED if accept else VisitNomination.Status.NOMINATED,
    )
    nomination._history_user = actor
    nomination.save()
    notification_in_their_language(
        recipient=locked.field_collector,
        actor=actor,
        make=lambda: (
            _("Your visit report was accepted") if accept else _("Your visit report was returned"),
            comment,
        ),
        url=reverse("cases:visit_report", args=[locked.pk]),
    )
    return locked


# --- Deadline extensions -----------------------------------------------------------------


@transaction.atomic
def visit_extension_request(
    *, nomination: VisitNomination, actor, new_due_on: dt.date, reason: str
) -> VisitDeadlineExtension:
    """More time for a visit than the working days allowed, for the supervisor to approve."""
    reason = _require_text(reason=reason)["reason"]
    locked = VisitNomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.field_collector_id != actor.pk:
        raise ValidationError(_("Only the field collector of this visit asks for more time."))
    if locked.status != VisitNomination.Status.NOMINATED:
        raise ValidationError(_("This visit is no longer waiting: no extension is needed."))
    current_due = timezone.localtime(locked.due_at, company_tz()).date()
    if new_due_on is None or new_due_on <= current_due:
        raise ValidationError(
            {
                "new_due_on": _("The new date must be after the current due date, %(date)s.")
                % {"date": current_due.isoformat()}
            }
        )
    if VisitDeadlineExtension.objects.filter(
        nomination=locked, status=VisitDeadlineExtension.Status.PENDING
    ).exists():
        raise ValidationError(_("An extension for this visit is already waiting for approval."))
    extension = VisitDeadlineExtension(
        nomination=locked,
        branch_id=locked.branch_id,
        requested_by=actor,
        requested_at=timezone.now(),
        due_before=locked.due_at,
        new_due_on=new_due_on,
        reason=reason,
    )
    extension._history_user = actor
    extension.save()
    approvals.request_approval(
        kind="cases.visit_extension",
        subject=extension,
        branch=extension.branch,
        requested_by=actor,
        summary=in_english(
            gettext_noop("Visit of case %(account)s: until %(date)s"),
            account=locked.case.account_no,
            date=new_due_on.isoformat(),
        ),
    )
    return extension


def visit_extension_decided(approval, approved: bool) -> None:
    """Approved: the visit is due at the end of the new date (company time)."""
    extension = VisitDeadlineExtension.objects.select_for_update().get(pk=subject_pk(approval))
    move(
        extension,
        VisitDeadlineExtension.Status.APPROVED
        if approved
        else VisitDeadlineExtension.Status.REFUSED,
    )
    extension.decided_at = approval.decided_at or timezone.now()
    extension._history_user = approval.decided_by
    extension.save()
    if approved:
        nomination = VisitNomination.objects.select_for_update().get(pk=extension.nomination_id)
        end_of_day = dt.datetime.combine(
            extension.new_due_on + dt.timedelta(days=1), dt.time(0, 0), company_tz()
        )
        nomination.due_at = end_of_day
        nomination._history_user = approval.decided_by
        nomination._change_reason = f"Deadline extended (extension {extension.pk})"
        nomination.save()


# --- Safety alerts -----------------------------------------------------------------------


@transaction.atomic
def safety_alert_raise(
    *, nomination: VisitNomination, actor, message: str, latitude=None, longitude=None
) -> SafetyAlert:
    """An emergency during a visit: every supervisor of the branch is told at once (in the
    app and by email) and the alert stays on their dashboard until acknowledged."""
    message = _require_text(message=message)["message"]
    lat, lon = _location(latitude, longitude)
    if nomination.field_collector_id != actor.pk:
        raise ValidationError(_("Only the field collector of this visit raises its alert."))
    alert = SafetyAlert(
        nomination=nomination,
        case_id=nomination.case_id,
        branch_id=nomination.branch_id,
        raised_by=actor,
        raised_at=timezone.now(),
        message=message,
        latitude=lat,
        longitude=lon,
    )
    alert._history_user = actor
    alert.save()
    supervisors = list(branch_supervisors(nomination.branch_id))
    name = actor.get_full_name() or actor.get_username()
    for supervisor in supervisors:
        notification_in_their_language(
            recipient=supervisor,
            actor=actor,
            make=lambda: (_("SAFETY ALERT from %(name)s on a visit") % {"name": name}, message),
            url=reverse("cases:safety_alert", args=[alert.pk]),
        )
    return alert


@transaction.atomic
def safety_alert_acknowledge(*, alert: SafetyAlert, actor) -> SafetyAlert:
    locked = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if not has_role(actor, roles.SUPERVISOR):
        raise ValidationError(_("Only a supervisor acknowledges a safety alert."))
    if locked.acknowledged_at is not None:
        raise ValidationError(_("This alert has been acknowledged already."))
    locked.acknowledged_by, locked.acknowledged_at = actor, timezone.now()
    locked._history_user = actor
    locked.save()
    return locked
