"""Weekly reports (DESIGN §4.6): a phone collector starts the week's report, writes the
narrative and submits it (the system's figures are frozen then); the supervisor of
their branch accepts it or returns it with a comment; a returned report is edited and
submitted again. Every change is a history row of the report."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import WeeklyReport
from cases.selectors import reports as selectors
from collections_office.workdays import company_tz
from staff import roles
from staff.selectors import has_role, user_branch

NARRATIVE_MAX = 10_000
COMMENT_MAX = 4_000


def _refuse_transition(report: WeeklyReport, to: str) -> None:
    if to not in WeeklyReport.TRANSITIONS[WeeklyReport.Status(report.status)]:
        raise ValidationError(
            {
                "status": _("A report that is “%(status)s” cannot be %(action)s.")
                % {
                    "status": report.get_status_display(),
                    "action": {
                        WeeklyReport.Status.SUBMITTED: _("submitted"),
                        WeeklyReport.Status.ACCEPTED: _("accepted"),
                        WeeklyReport.Status.RETURNED: _("returned"),
                    }.get(to, to),
                }
            }
        )


def _locked(report: WeeklyReport) -> WeeklyReport:
    return WeeklyReport.objects.select_for_update().get(pk=report.pk)


def _save(report: WeeklyReport, *, actor, reason: str) -> WeeklyReport:
    report._history_user = actor
    report._change_reason = reason
    report.save()
    return report


@transaction.atomic
def weekly_report_start(*, collector, week_start: dt.date, now=None) -> WeeklyReport:
    """The collector's report of the week starting `week_start` (made if not yet there).
    Only for a week that has begun; only phone collectors report."""
    now = now or timezone.now()
    if not has_role(collector, roles.PHONE_COLLECTOR):
        raise PermissionDenied
    if week_start != selectors.week_start_of(week_start):
        raise ValidationError({"week_start": _("A report week starts on a Monday.")})
    today = timezone.localtime(now, company_tz()).date()
    if week_start > today:
        raise ValidationError({"week_start": _("This week has not begun yet.")})
    branch = user_branch(collector)
    if branch is None:
        raise PermissionDenied
    existing = WeeklyReport.objects.filter(collector=collector, week_start=week_start).first()
    if existing is not None:
        return existing
    report = WeeklyReport(collector=collector, branch=branch, week_start=week_start)
    try:
        with transaction.atomic():
            return _save(report, actor=collector, reason="Started")
    except IntegrityError:  # started in another tab at the same moment
        return WeeklyReport.objects.get(collector=collector, week_start=week_start)


def _clean_narrative(narrative: str) -> str:
    narrative = (narrative or "").strip()
    if len(narrative) > NARRATIVE_MAX:
        raise ValidationError(
            {"narrative": _("Keep the narrative under %(n)d characters.") % {"n": NARRATIVE_MAX}}
        )
    return narrative


def _check_author(report: WeeklyReport, actor) -> None:
    if report.collector_id != actor.pk:
        raise PermissionDenied


@transaction.atomic
def weekly_report_save(*, report: WeeklyReport, actor, narrative: str) -> WeeklyReport:
    """Saves the narrative of a draft or returned report (its author only)."""
    _check_author(report, actor)
    report = _locked(report)
    if not report.is_editable:
        raise ValidationError(
            {
                "narrative": _("This report is %(status)s and can no longer be changed.")
                % {"status": report.get_status_display()}
            }
        )
    report.narrative = _clean_narrative(narrative)
    return _save(report, actor=actor, reason="Narrative saved")


@transaction.atomic
def weekly_report_submit(
    *, report: WeeklyReport, actor, narrative: str | None = None, now=None
) -> WeeklyReport:
    """Submits the report: the narrative is required; the figures are computed and frozen
    now (a resubmission after a return freezes them again)."""
    now = now or timezone.now()
    _check_author(report, actor)
    report = _locked(report)
    _refuse_transition(report, WeeklyReport.Status.SUBMITTED)
    if narrative is not None:
        report.narrative = _clean_narrative(narrative)
    if not report.narrative:
        message = _("Write the narrative of your week before submitting.")
        raise ValidationError({"narrative": message})
    today = timezone.localtime(now, company_tz()).date()
    if report.week_start + dt.timedelta(days=4) > today:
        # Friday at the earliest: a report of a week barely begun says nothing.
        raise ValidationError(
            {"week_start": _("The week's report can be submitted from its Friday on.")}
        )
    end_day = min(report.week_start + dt.timedelta(days=6), today)
    report.figures = selectors.frozen(
        selectors.collector_figures(
            report.collector, start_day=report.week_start, end_day=end_day, now=now
        )
    )
    first_submission = report.submitted_at is None
    report.status = WeeklyReport.Status.SUBMITTED
    report.submitted_at = now
    if first_submission:
        report.submitted_late = now > selectors.report_due_at(report.week_start)
    return _save(report, actor=actor, reason="Submitted" if first_submission else "Submitted again")


def _check_reviewer(report: WeeklyReport, actor) -> None:
    if not selectors.may_review_reports(actor):
        raise PermissionDenied
    if not WeeklyReport.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise PermissionDenied
    if report.collector_id == actor.pk:
        raise ValidationError({"status": _("Nobody reviews their own report.")})


@transaction.atomic
def weekly_report_accept(*, report: WeeklyReport, actor, comment: str = "", now=None):
    """The supervisor accepts a submitted report (an optional comment)."""
    _check_reviewer(report, actor)
    report = _locked(report)
    _refuse_transition(report, WeeklyReport.Status.ACCEPTED)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX}}
        )
    report.status = WeeklyReport.Status.ACCEPTED
    report.reviewed_by = actor
    report.reviewed_at = now or timezone.now()
    report.review_comment = comment
    return _save(report, actor=actor, reason="Accepted")


@transaction.atomic
def weekly_report_return(*, report: WeeklyReport, actor, comment: str, now=None):
    """The supervisor returns a submitted report to its author, saying what to change."""
    _check_reviewer(report, actor)
    report = _locked(report)
    _refuse_transition(report, WeeklyReport.Status.RETURNED)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the collector should change.")})
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX}}
        )
    report.status = WeeklyReport.Status.RETURNED
    report.reviewed_by = actor
    report.reviewed_at = now or timezone.now()
    report.review_comment = comment
    return _save(report, actor=actor, reason="Returned")
