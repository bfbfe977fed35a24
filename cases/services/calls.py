"""Call logging (DESIGN §4.4): a call, its recording, the compliance check, the case's bookkeeping.

Every write here happens in one transaction with its history row, and the recording
file is stored only if that transaction commits (it is removed when it does not).
A call the rules refuse writes nothing but its `ComplianceRefusal`, recorded after the
call's transaction rolled back so that the refusal survives.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import CASE_SUPERVISOR_ROLES
from cases.compliance import engine
from cases.compliance.checks import (
    ComplianceRefused,
    ContactClearance,
    contact_check,
    refusal_record,
    rule_set_for_case,
)
from cases.models import CallLog, CallOutcome, Case, ContactPoint, Party
from cases.services.call_recordings import (
    StoredRecording,
    recording_check,
    recording_remove,
    recording_store,
    telephony_id_clean,
)
from cases.services.work import case_action_logged, contact_point_add
from staff.selectors import get_scoped_object_or_404, has_role

scoping_logger = logging.getLogger("collections_office.access")

# A call longer than this is a typing mistake (the field is in seconds).
MAX_DURATION_SECONDS = 6 * 60 * 60
# Clocks of phones and PCs differ a little: a start this far ahead of the server is "now".
FUTURE_TOLERANCE = dt.timedelta(minutes=2)
BOOKKEEPING_FIELDS = (
    "last_call_at",
    "last_contact_at",
    "next_callback_at",
    "status",
    "first_action_at",
)
CORRECTABLE_FIELDS = ("party", "outcome", "duration_seconds", "notes", "callback_at")


# --- Logging a call ----------------------------------------------------------------------


def _case_for_call(*, case: Case, actor) -> Case:
    """The case, locked for the call (calls on one case are judged one after the other)."""
    locked = get_scoped_object_or_404(
        Case.objects.visible_to(actor).select_for_update(of=("self",)).select_related("debtor"),
        user=actor,
        pk=case.pk,
    )
    if locked.assigned_to_id != actor.pk and not has_role(actor, *CASE_SUPERVISOR_ROLES):
        raise PermissionDenied(_("Only the case's collector or a supervisor logs its calls."))
    if not locked.is_open:
        raise ValidationError(
            _("This case is %(status)s: calls can no longer be logged on it.")
            % {"status": locked.get_status_display().lower()}
        )
    # Keep the caller's cached rule set (the same case, the same request).
    cached = getattr(case, "_compliance_rule_set", None)
    if cached is not None:
        locked._compliance_rule_set = cached
    return locked


def _contact_point_for_call(*, case: Case, contact_point) -> ContactPoint:
    # Read again: the form's object may be stale (marked invalid in the meantime).
    wanted = getattr(contact_point, "pk", contact_point)
    point = ContactPoint.objects.filter(pk=wanted, debtor_id=case.debtor_id).first()
    if point is None:
        # Another debtor's number is none of this case's business: a logged 404.
        scoping_logger.warning(
            "scoped lookup missed",
            extra={
                "object_type": "cases.ContactPoint",
                "object_id": str(wanted),
                "case_id": case.pk,
            },
        )
        raise Http404
    if point.kind != ContactPoint.Kind.PHONE:
        raise ValidationError({"contact_point": _("Choose a phone number, not an address.")})
    if not point.is_valid:
        raise ValidationError(
            {
                "contact_point": _("This number is marked invalid: %(reason)s")
                % {"reason": point.invalid_reason}
            }
        )
    return point


def _validated_fields(
    *,
    party: str,
    started_at,
    duration_seconds,
    outcome: CallOutcome | None,
    notes: str,
    callback_at,
    recording,
    telephony_recording_id: str,
    now: dt.datetime,
) -> dict:
    """Field checks that need no database; every problem is reported at once."""
    errors: dict[str, str] = {}
    if outcome is None or not outcome.is_active:
        errors["outcome"] = _("Choose the outcome of the call.")
    if started_at is None:
        errors["started_at"] = _("Enter when the call started.")
    elif timezone.is_naive(started_at):
        errors["started_at"] = _("Enter the start time with its time zone.")
    elif started_at > now + FUTURE_TOLERANCE:
        errors["started_at"] = _("The call cannot start in the future.")
    if duration_seconds is None or not isinstance(duration_seconds, int) or duration_seconds < 0:
        errors["duration_seconds"] = _("Enter the duration in seconds (0 or more).")
    elif duration_seconds > MAX_DURATION_SECONDS:
        errors["duration_seconds"] = _("A call of more than 6 hours? Check the duration.")
    if party not in Party.values:
        errors["party"] = _("Choose who was reached.")
    elif outcome is not None and outcome.answered and party == Party.NOBODY:
        errors["party"] = _("Someone answered: say who.")
    if outcome is not None and not outcome.answered:
        party = Party.NOBODY
    if outcome is not None and outcome.requires_callback:
        if callback_at is None:
            errors["callback_at"] = _("Enter when to call back.")
        elif timezone.is_naive(callback_at):
            errors["callback_at"] = _("Enter the callback time with its time zone.")
        elif callback_at <= now:
            errors["callback_at"] = _("The callback time must be in the future.")
    else:
        callback_at = None
    if len(notes or "") > 5000:
        errors["notes"] = _("Notes are limited to 5,000 characters.")
    try:
        telephony_recording_id = telephony_id_clean(telephony_recording_id)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if recording is not None and telephony_recording_id:
        errors["telephony_recording_id"] = _(
            "Give the recording file or the telephony system's id, not both."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "party": party,
        "callback_at": callback_at,
        "notes": (notes or "").strip(),
        "telephony_recording_id": telephony_recording_id,
    }


def call_log(
    *,
    case: Case,
    actor,
    party: str,
    started_at: dt.datetime | None,
    duration_seconds: int | None,
    outcome: CallOutcome | None,
    contact_point: ContactPoint | int | None = None,
    new_number: str = "",
    new_number_relation: str = ContactPoint.Relation.DEBTOR,
    new_number_contact_name: str = "",
    notes: str = "",
    callback_at: dt.datetime | None = None,
    recording=None,
    telephony_recording_id: str = "",
    complete: bool = True,
    started_call: CallLog | int | None = None,
) -> CallLog:
    """Logs one call of `actor` on `case`: checked, recorded, and the case kept up to date.

    Either `contact_point` (one of the debtor's numbers) or `new_number` (added on the
    spot through `contact_point_add`), or `started_call`: a call dialled from the case
    page (`call_start`), which was judged by the rules when it was dialled; logging it
    fills in that same row (its number and start time stay), so it stays one attempt.
    A call without a recording is kept as a draft;
    `complete=True` without one (when the rules require a recording) is refused on the
    `recording` field. Errors: ValidationError by field; Http404 for a case or number
    the actor may not see; `ComplianceRefused` when the rules refuse the call (recorded).
    """
    now = timezone.now()
    started = None
    if started_call is not None:
        started = _started_call_of(case=case, actor=actor, started_call=started_call)
        started_at, contact_point, new_number = started.started_at, started.contact_point, ""
    fields = _validated_fields(
        party=party,
        started_at=started_at,
        duration_seconds=duration_seconds,
        outcome=outcome,
        notes=notes,
        callback_at=callback_at,
        recording=recording,
        telephony_recording_id=telephony_recording_id,
        now=now,
    )
    kind = recording_check(recording) if recording is not None else None
    if contact_point is None and not (new_number or "").strip():
        raise ValidationError({"contact_point": _("Choose the number called, or add a new one.")})

    stored: StoredRecording | None = None
    point: ContactPoint | None = None
    new_point = False
    try:
        with transaction.atomic():
            locked = _case_for_call(case=case, actor=actor)
            if started is not None:
                started = _started_call_locked(started)
                # Dialled already: the number was valid then, whatever happened since.
                point = started.contact_point
            elif contact_point is not None:
                point = _contact_point_for_call(case=locked, contact_point=contact_point)
            else:
                try:
                    point = contact_point_add(
                        case=locked,
                        actor=actor,
                        value=new_number,
                        relation=new_number_relation,
                        contact_name=new_number_contact_name,
                    )
                except ValidationError as exc:
                    raise ValidationError(
                        {
                            {"value": "new_number", "relation": "new_number_relation"}.get(
                                field, "new_number_contact_name"
                            ): errors
                            for field, errors in exc.message_dict.items()
                        }
                    ) from None
                new_point = True
            if started is not None:
                # Judged when it was dialled, on this number at this time (and any
                # override it needed was spent then): not judged a second time.
                clearance = ContactClearance(
                    decision=engine.Decision(allowed=True, violations=()),
                    override=started.compliance_override,
                )
            else:
                clearance = contact_check(
                    case=locked,
                    contact_point=point,
                    party=fields["party"],
                    at=started_at,
                    collector=actor,
                    record_refusal=False,
                )
            has_recording = kind is not None or bool(fields["telephony_recording_id"])
            completed = False
            if complete:
                _require_completion_allowed(locked, has_recording)
                completed = True
            if kind is not None:
                stored = recording_store(recording, kind)
            call = started or CallLog(
                case=locked, collector=actor, contact_point=point, started_at=started_at
            )
            call.party = fields["party"]
            call.duration_seconds = duration_seconds
            call.outcome = outcome
            call.notes = fields["notes"]
            call.callback_at = fields["callback_at"]
            call.telephony_recording_id = fields["telephony_recording_id"]
            call.status = CallLog.Status.COMPLETED if completed else CallLog.Status.DRAFT
            call.completed_at = now if completed else None
            call.compliance_override = clearance.override
            if stored is not None:
                call.recording.name = stored.name
                call.recording_sha256 = stored.sha256
                call.recording_size = stored.size
                call.recording_content_type = stored.content_type
            call._history_user = actor
            if clearance.overridden:
                call._change_reason = f"Logged under override {clearance.override.pk}"
            elif started is not None:
                call._change_reason = "Logged"
            call.save()
            _case_bookkeeping_after_call(case=locked, call=call, actor=actor, outcome=outcome)
    except ComplianceRefused as refused:
        recording_remove(stored)
        refused.refusal = refusal_record(
            case=case,
            collector=actor,
            # A number added for this call was rolled back with it.
            contact_point=None if new_point else point,
            channel=engine.Channel.CALL,
            decision=refused.decision,
        )
        raise
    except BaseException:
        recording_remove(stored)
        raise
    # The caller's object follows the case it passed in.
    for name in (
        "last_call_at",
        "last_contact_at",
        "next_callback_at",
        "status",
        "first_action_at",
    ):
        setattr(case, name, getattr(locked, name))
    return call


def _started_call_of(*, case: Case, actor, started_call) -> CallLog:
    """The actor's started call on this case (another's or another case's: a logged 404)."""
    wanted = getattr(started_call, "pk", started_call)
    call = get_scoped_object_or_404(
        CallLog.objects.visible_to(actor)
        .filter(case_id=case.pk, collector_id=actor.pk)
        .select_related("contact_point", "compliance_override"),
        user=actor,
        pk=wanted,
    )
    if call.status != CallLog.Status.STARTED:
        raise ValidationError({"started_call": _("This call is already logged.")})
    return call


def _started_call_locked(started: CallLog) -> CallLog:
    """The started call again, locked: two tabs logging it at once log it once."""
    locked = (
        CallLog.objects.select_for_update(of=("self",))
        .select_related("contact_point", "compliance_override")
        .get(pk=started.pk)
    )
    if locked.status != CallLog.Status.STARTED:
        raise ValidationError({"started_call": _("This call is already logged.")})
    return locked


def _require_logged(call: CallLog) -> None:
    if call.status == CallLog.Status.STARTED:
        raise ValidationError(
            _("This call was started but not logged yet: log its outcome on the case page.")
        )


def _require_completion_allowed(case: Case, has_recording: bool) -> None:
    rule_set = rule_set_for_case(case)
    if rule_set is None:  # no rules at all: the product's own rule (DESIGN §4.7) still holds
        if not has_recording:
            raise ValidationError(
                {"recording": _("A call without a recording cannot be completed.")}
            )
        return
    decision = engine.evaluate_completion(rule_set, engine.Channel.CALL, has_recording)
    if not decision.allowed:
        raise ValidationError({"recording": decision.summary})


def _case_bookkeeping_after_call(*, case: Case, call: CallLog, actor, outcome: CallOutcome):
    """last call, last contact (a conversation with the debtor), the callback due; first action."""
    started = call.started_at
    changes: dict = {}
    is_latest = case.last_call_at is None or started >= case.last_call_at
    if is_latest:
        changes["last_call_at"] = started
        # The latest call decides the callback: it sets one, or clears the old one.
        changes["next_callback_at"] = call.callback_at
    conversation = call.party == Party.DEBTOR and outcome.conversation
    if conversation and (case.last_contact_at is None or started > case.last_contact_at):
        changes["last_contact_at"] = started
    if changes:
        changes["updated_at"] = timezone.now()
        Case.objects.filter(pk=case.pk).update(**changes)
        for name, value in changes.items():
            setattr(case, name, value)
    # The first-action clock stops at the call, but never before the assignment began.
    first_action = started
    if case.assigned_at is not None and first_action < case.assigned_at:
        first_action = timezone.now()
    case_action_logged(case=case, actor=actor, at=first_action)


# --- Drafts: the recording follows -------------------------------------------------------


def _call_for_change(*, call: CallLog, actor) -> CallLog:
    locked = get_scoped_object_or_404(
        CallLog.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("case", "case__debtor", "outcome"),
        user=actor,
        pk=call.pk,
    )
    return locked


@transaction.atomic
def call_attach_recording(
    *, call: CallLog, actor, recording=None, telephony_recording_id: str = "", complete: bool = True
) -> CallLog:
    """Adds the recording (file or telephony id) to a draft, and completes it by default."""
    telephony_recording_id = telephony_id_clean(telephony_recording_id)
    if recording is None and not telephony_recording_id:
        raise ValidationError({"recording": _("Upload the recording or give its telephony id.")})
    if recording is not None and telephony_recording_id:
        raise ValidationError(
            {
                "telephony_recording_id": _(
                    "Give the recording file or the telephony system's id, not both."
                )
            }
        )
    kind = recording_check(recording) if recording is not None else None
    locked = _call_for_change(call=call, actor=actor)
    if locked.collector_id != actor.pk and not has_role(actor, *CASE_SUPERVISOR_ROLES):
        raise PermissionDenied
    _require_logged(locked)
    if locked.status != CallLog.Status.DRAFT:
        raise ValidationError(
            _("This call is completed: only a supervisor's correction changes it.")
        )
    stored = None
    try:
        if kind is not None:
            stored = recording_store(recording, kind)
            locked.recording.name = stored.name
            locked.recording_sha256 = stored.sha256
            locked.recording_size = stored.size
            locked.recording_content_type = stored.content_type
        else:
            locked.telephony_recording_id = telephony_recording_id
        if complete:
            _require_completion_allowed(locked.case, locked.has_recording)
            locked.status = CallLog.Status.COMPLETED
            locked.completed_at = timezone.now()
        locked._history_user = actor
        locked._change_reason = "Recording attached"
        locked.save()
        case_action_logged(case=locked.case, actor=actor)
    except BaseException:
        recording_remove(stored)
        raise
    return locked


@transaction.atomic
def call_complete(*, call: CallLog, actor) -> CallLog:
    """A draft becomes complete — only once it has a recording (when the rules require one)."""
    locked = _call_for_change(call=call, actor=actor)
    if locked.collector_id != actor.pk and not has_role(actor, *CASE_SUPERVISOR_ROLES):
        raise PermissionDenied
    if locked.status == CallLog.Status.COMPLETED:
        return locked
    _require_logged(locked)
    _require_completion_allowed(locked.case, locked.has_recording)
    locked.status = CallLog.Status.COMPLETED
    locked.completed_at = timezone.now()
    locked._history_user = actor
    locked._change_reason = "Completed"
    locked.save()
    return locked


# --- Corrections -------------------------------------------------------------------------


@transaction.atomic
def call_correct(*, call: CallLog, actor, reason: str, **changes) -> CallLog:
    """A supervisor corrects a call; the reason and the before/after are kept in its history.

    Correctable: party, outcome, duration_seconds, notes, callback_at. The number, the
    time and the recording are evidence and stay as logged.
    """
    if not has_role(actor, *CASE_SUPERVISOR_ROLES):
        raise PermissionDenied(_("Only a supervisor corrects a logged call."))
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {', '.join(sorted(unknown))}")
    locked = _call_for_change(call=call, actor=actor)
    _require_logged(locked)
    new = {name: changes.get(name, getattr(locked, name)) for name in CORRECTABLE_FIELDS}
    errors: dict[str, str] = {}
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = _("Say why the call is corrected.")
    outcome = new["outcome"]
    if outcome is None:
        errors["outcome"] = _("Choose the outcome of the call.")
    party = new["party"]
    if party not in Party.values:
        errors["party"] = _("Choose who was reached.")
    elif outcome is not None and outcome.answered and party == Party.NOBODY:
        errors["party"] = _("Someone answered: say who.")
    if outcome is not None and not outcome.answered:
        party = Party.NOBODY
    duration = new["duration_seconds"]
    if not isinstance(duration, int) or not 0 <= duration <= MAX_DURATION_SECONDS:
        errors["duration_seconds"] = _("Enter the duration in seconds (0 or more).")
    callback_at = new["callback_at"] if outcome is not None and outcome.requires_callback else None
    if outcome is not None and outcome.requires_callback:
        if callback_at is None:
            errors["callback_at"] = _("Enter when to call back.")
        elif callback_at != locked.callback_at and callback_at <= timezone.now():
            errors["callback_at"] = _("The callback time must be in the future.")
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(locked, name) for name in CORRECTABLE_FIELDS}
    locked.party = party
    locked.outcome = outcome
    locked.duration_seconds = duration
    locked.notes = (new["notes"] or "").strip()
    locked.callback_at = callback_at
    if before == {name: getattr(locked, name) for name in CORRECTABLE_FIELDS}:
        raise ValidationError(_("Nothing was changed."))
    locked._history_user = actor
    locked._change_reason = reason[:100]
    locked.save()
    _case_bookkeeping_after_correction(call=locked)
    return locked


def _case_bookkeeping_after_correction(*, call: CallLog) -> None:
    case = call.case
    changes: dict = {}
    latest = (
        CallLog.objects.filter(case_id=case.pk)
        .order_by("-started_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if latest == call.pk:
        changes["next_callback_at"] = call.callback_at
    if call.is_conversation and (
        case.last_contact_at is None or call.started_at > case.last_contact_at
    ):
        changes["last_contact_at"] = call.started_at
    if changes:
        changes["updated_at"] = timezone.now()
        Case.objects.filter(pk=case.pk).update(**changes)


__all__ = [
    "ComplianceRefused",
    "call_attach_recording",
    "call_complete",
    "call_correct",
    "call_log",
    "recording_check",
]
