"""The committee's votes and decision, the public notice, appeals, and the appointment.

Public notice: it starts on the first working day after the decision and lasts
`cycle.notice_working_days` working days (Chinese public holidays and make-up working
days counted by collections_office.workdays); it ends at 00:00 after its last day. The
appointment takes effect on the first day after the notice (or a later date the
committee sets); a scheduled task (`staff.tasks.promotion_appoint_due`) makes it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from collections_office.workdays import WorkingCalendar, company_tz, local_date

from .. import roles
from ..models import (
    CommitteeVote,
    LevelChange,
    PromotionAppeal,
    PromotionApplication,
    PromotionStageRecord,
    StaffProfile,
)
from ..selectors import has_role
from ..stored_text import in_english
from .services import (
    _locked,
    _move,
    _notify,
    _record,
    _require_text,
    application_url,
    hr_reviewers,
    is_committee_member,
    may_review_hr,
    today,
)

logger = logging.getLogger(__name__)
Status = PromotionApplication.Status
Action = PromotionStageRecord.Action


def notice_period(decided_at: dt.datetime, working_days: int) -> tuple[dt.datetime, dt.datetime]:
    """(start, end) of a notice decided at `decided_at`: whole working days after it."""
    zone = company_tz()
    day = local_date(decided_at)
    calendar = WorkingCalendar(day, day + dt.timedelta(days=working_days * 3 + 30))
    day += dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    first = day
    counted = 1
    while counted < working_days:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    start = dt.datetime.combine(first, dt.time(0), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
    return start, end


def current_votes(application):
    return CommitteeVote.objects.filter(
        application=application, round=application.committee_round
    ).select_related("member")


@transaction.atomic
def committee_vote(*, application, actor, choice: str, comment: str = "") -> CommitteeVote:
    """A committee member's vote in the current round (once; never on their own application)."""
    if choice not in CommitteeVote.Choice.values:
        raise ValidationError(_("Vote: choose for, against or abstain."))
    locked = _locked(application)
    if actor.pk == locked.applicant_id:
        raise ValidationError(
            _("Nobody reviews or decides on their own application."), code="own_application"
        )
    if not is_committee_member(locked, actor):
        raise ValidationError(_("Only members of this cycle's committee vote."), code="not_member")
    if locked.status != Status.COMMITTEE:
        raise ValidationError(
            _("This application is at “%(stage)s”: that step cannot be taken now.")
            % {"stage": locked.get_status_display()},
            code="out_of_order",
        )
    try:
        with transaction.atomic():
            vote = CommitteeVote.objects.create(
                application=locked,
                round=locked.committee_round,
                member=actor,
                choice=choice,
                comment=(comment or "").strip(),
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already voted on this application in this round."), code="voted_twice"
        ) from None
    _record(
        locked,
        action=Action.VOTED,
        actor=actor,
        comment=f"{CommitteeVote.Choice(choice).label}: {vote.comment}".strip(": "),
        before=locked.status,
    )
    return vote


@transaction.atomic
def committee_decide(*, application, actor, effective_on: dt.date | None = None, note: str = ""):
    """The committee's decision from the votes of the round: needs the quorum; a majority
    of the votes cast for → public notice, else not promoted."""
    locked = _locked(application)
    if actor.pk == locked.applicant_id:
        raise ValidationError(
            _("Nobody reviews or decides on their own application."), code="own_application"
        )
    if not (is_committee_member(locked, actor) or has_role(actor, roles.HR)):
        raise ValidationError(_("Only the committee (or HR for it) records its decision."))
    if locked.status != Status.COMMITTEE:
        raise ValidationError(
            _("This application is at “%(stage)s”: that step cannot be taken now.")
            % {"stage": locked.get_status_display()},
            code="out_of_order",
        )
    votes = list(current_votes(locked))
    quorum = locked.cycle.quorum
    if len(votes) < quorum:
        raise ValidationError(
            _("No quorum: %(cast)s of the %(quorum)s votes needed have been cast.")
            % {"cast": len(votes), "quorum": quorum},
            code="no_quorum",
        )
    in_favour = sum(1 for v in votes if v.choice == CommitteeVote.Choice.FOR)
    promote = in_favour * 2 > len(votes)
    # The tally in English (shown in the reader's language), the note as typed below it.
    tally = in_english(
        gettext_noop("%(for)s for out of %(cast)s votes."), **{"for": in_favour, "cast": len(votes)}
    )
    comment = "\n".join(part for part in (tally, (note or "").strip()) if part)
    if not promote:
        moved = _move(locked, action=Action.COMMITTEE_REFUSED, actor=actor, comment=comment)
        _notify(
            [moved.applicant],
            title=lambda: (
                _("Your promotion application: %(stage)s") % {"stage": moved.get_status_display()}
            ),
            body=comment,
            url=application_url(moved),
            actor=actor,
        )
        return moved
    starts, ends = notice_period(timezone.now(), locked.cycle.notice_working_days)
    first_day_after = local_date(ends)
    if effective_on is not None and effective_on < first_day_after:
        raise ValidationError(
            _("Effective date: the earliest is %(day)s, the day after the public notice ends.")
            % {"day": first_day_after}
        )
    locked.notice_starts_at, locked.notice_ends_at = starts, ends
    locked.effective_on = effective_on or first_day_after
    locked.save(update_fields=["notice_starts_at", "notice_ends_at", "effective_on"])
    moved = _move(locked, action=Action.COMMITTEE_APPROVED, actor=actor, comment=comment)
    _notify(
        [moved.applicant],
        title=lambda: (
            _("Your promotion is on public notice until %(day)s")
            % {"day": local_date(ends) - dt.timedelta(days=1)}
        ),
        url=application_url(moved),
        actor=actor,
    )
    return moved


# --- Appeals ----------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, application, filed_by, grounds: str) -> PromotionAppeal:
    """An objection to a result on notice, to HR, while the notice runs (not after)."""
    grounds = _require_text(grounds, _("Grounds"))
    locked = _locked(application)
    if locked.status != Status.PUBLIC_NOTICE or locked.notice_ends_at is None:
        raise ValidationError(_("Only a result on public notice can be appealed."))
    if timezone.now() >= locked.notice_ends_at:
        raise ValidationError(
            _("The public notice closed on %(day)s: appeals are no longer accepted.")
            % {"day": local_date(locked.notice_ends_at) - dt.timedelta(days=1)},
            code="notice_closed",
        )
    if filed_by.pk == locked.applicant_id:
        raise ValidationError(_("The applicant does not appeal against their own result."))
    appeal = PromotionAppeal.objects.create(application=locked, filed_by=filed_by, grounds=grounds)
    _record(
        locked, action=Action.APPEAL_FILED, actor=filed_by, comment=grounds, before=locked.status
    )
    _notify(
        hr_reviewers(locked),
        title=lambda: (
            _("Appeal against a promotion on notice: %(name)s")
            % {"name": locked.personal_details.get("name", "")}
        ),
        body=grounds,
        url=application_url(locked),
        actor=filed_by,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal, actor, uphold: bool, note: str) -> PromotionAppeal:
    """HR upholds (the application goes back to the committee) or dismisses an appeal."""
    note = _require_text(note, _("Decision"))
    locked_appeal = PromotionAppeal.objects.select_for_update().get(pk=appeal.pk)
    application = _locked(locked_appeal.application)
    if actor.pk in (application.applicant_id, locked_appeal.filed_by_id):
        raise ValidationError(
            _("Nobody decides an appeal they filed or one about their own application."),
            code="own_appeal",
        )
    if not may_review_hr(application, actor):
        raise ValidationError(_("Only HR of the applicant's branch (or HQ) decides appeals."))
    if locked_appeal.status != PromotionAppeal.Status.OPEN:
        raise ValidationError(_("This appeal has already been decided."), code="decided_twice")
    locked_appeal.status = (
        PromotionAppeal.Status.UPHELD if uphold else PromotionAppeal.Status.DISMISSED
    )
    locked_appeal.decided_by, locked_appeal.decided_at = actor, timezone.now()
    locked_appeal.decision_note = note
    locked_appeal.save()
    if uphold:
        if application.status != Status.PUBLIC_NOTICE:
            raise ValidationError(
                _("This application is at “%(stage)s”: that step cannot be taken now.")
                % {"stage": application.get_status_display()},
                code="out_of_order",
            )
        application.notice_starts_at = application.notice_ends_at = None
        application.effective_on = None
        application.committee_round += 1
        # Status first (the notice-dates rule allows empty dates outside the notice).
        application.status = Status.COMMITTEE
        application.save(
            update_fields=[
                "status",
                "notice_starts_at",
                "notice_ends_at",
                "effective_on",
                "committee_round",
            ]
        )
        _record(
            application,
            action=Action.APPEAL_UPHELD,
            actor=actor,
            comment=note,
            before=Status.PUBLIC_NOTICE,
        )
        _notify(
            application.cycle.committee.all(),
            title=lambda: (
                _("Appeal upheld: promotion back before the committee: %(name)s")
                % {"name": application.personal_details.get("name", "")}
            ),
            body=note,
            url=application_url(application),
            actor=actor,
        )
    else:
        _record(
            application,
            action=Action.APPEAL_DISMISSED,
            actor=actor,
            comment=note,
            before=application.status,
        )
    _notify(
        [locked_appeal.filed_by, application.applicant],
        title=lambda: (
            _("Appeal on a promotion: %(result)s") % {"result": locked_appeal.get_status_display()}
        ),
        body=note,
        url=application_url(application),
        actor=actor,
    )
    return locked_appeal


# --- Appointment ------------------------------------------------------------------------


def appoint_due(*, on: dt.date | None = None) -> int:
    """Appoints every application whose notice ended, with no open appeal, effective by
    `on` (today). Safe to run twice: each one is claimed under a row lock and moved once.
    """
    on = on or today()
    now = timezone.now()
    due = (
        PromotionApplication.objects.filter(
            status=Status.PUBLIC_NOTICE, notice_ends_at__lte=now, effective_on__lte=on
        )
        .exclude(appeals__status=PromotionAppeal.Status.OPEN)
        .values_list("pk", flat=True)
    )
    appointed = 0
    for pk in list(due):
        if _appoint_one(pk, now=now, on=on):
            appointed += 1
    return appointed


@transaction.atomic
def _appoint_one(pk: int, *, now, on) -> bool:
    application = (
        PromotionApplication.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
    )
    if (
        application is None
        or application.status != Status.PUBLIC_NOTICE
        or application.notice_ends_at > now
        or application.effective_on > on
        or application.appeals.filter(status=PromotionAppeal.Status.OPEN).exists()
    ):
        return False
    profile = StaffProfile.objects.select_for_update().get(user_id=application.applicant_id)
    if profile.position != application.from_position:
        # HR moved the person meanwhile; appointing now would skip or repeat a level.
        logger.warning("promotion not appointed: position changed", extra={"application": pk})
        return False
    profile.position = application.to_position
    profile.save(update_fields=["position"])
    LevelChange.objects.create(
        user_id=application.applicant_id,
        from_position=application.from_position,
        to_position=application.to_position,
        effective_on=application.effective_on,
        reason=LevelChange.Reason.APPOINTMENT,
        application=application,
    )
    application.status = Status.APPOINTED
    application.appointed_at = now
    application.save(update_fields=["status", "appointed_at"])
    _record(application, action=Action.APPOINTED, actor=None, before=Status.PUBLIC_NOTICE)
    _notify(
        [application.applicant],
        title=lambda: (
            _("You are appointed %(position)s from %(day)s")
            % {"position": application.get_to_position_display(), "day": application.effective_on}
        ),
        url=application_url(application),
    )
    return True
