"""Scoping battery routes: staff, promotion reviews and accounts.

The rules are in tests/test_scoping_battery.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from staff import roles
from tests.staff.assessment.world import assessment_of
from tests.staff.promotion.world import (
    appeal_of,
    evidence_of,
    promotion_application,
    promotion_cycle,
)

ASSESSMENT_REVIEWERS = (roles.HR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD, roles.SUPERVISOR)


# URL name → the kwargs that point at a foreign row.
ROUTES: dict[str, Callable] = {
    # staff
    "staff:detail": lambda f: {"pk": f.staff_profile.pk},
    "staff:notification_open": lambda f: {"pk": f.notification.pk},
    # staff: training, recruitment, succession (issue 12)
    "staff:training_plan": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_edit": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_submit": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_complete": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_enrol": lambda f: {"pk": f.training_plan.pk},
    "staff:training_session_add": lambda f: {"pk": f.training_plan.pk},
    "staff:training_attendance": lambda f: [
        {"pk": f.training_plan.pk, "session_pk": f.training_session.pk},
        {"pk": f.home.training_plan.pk, "session_pk": f.training_session.pk},
    ],
    "staff:training_result": lambda f: [
        {"pk": f.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
        {"pk": f.home.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
    ],
    "staff:training_rating": lambda f: [
        {"pk": f.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
        {"pk": f.home.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
    ],
    "staff:recruitment_vacancy": lambda f: {"pk": f.vacancy.pk},
    "staff:recruitment_candidate_create": lambda f: {"pk": f.vacancy.pk},
    "staff:recruitment_candidate": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_reveal": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_cv": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_step": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_interview_schedule": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_interview_score": lambda f: [
        {"pk": f.candidate.pk, "interview_pk": f.interview.pk},
        {"pk": f.home.candidate.pk, "interview_pk": f.interview.pk},
    ],
    "staff:recruitment_hire": lambda f: {"pk": f.candidate.pk},
    "staff:succession_post": lambda f: {"pk": f.key_post.pk},
    "staff:succession_successor_remove": lambda f: {"pk": f.successor.pk},
    "staff:succession_handover": lambda f: {"pk": f.handover.pk},
    "staff:succession_handover_confirm": lambda f: [
        {"pk": f.handover.pk, "item_pk": f.handover_item.pk},
        {"pk": f.home.handover.pk, "item_pk": f.handover_item.pk},
    ],
    "staff:approval_decide": lambda f: {"pk": f.approval.pk},
    "staff:approval_withdraw": lambda f: {"pk": f.approval.pk},
    # staff: assessments (issues 11/12)
    "staff:assessment_detail": lambda f: {"pk": assessment_of(f).pk},
    "staff:assessment_person": lambda f: {"user_id": assessment_of(f).subject_id},
    "staff:assessment_template": lambda f: {"pk": assessment_of(f).round.template_id},
    "staff:assessment_round_create": lambda f: {"pk": assessment_of(f).round.template_id},
    "staff:assessment_round": lambda f: {"pk": assessment_of(f).round_id},
    "staff:assessment_round_run": lambda f: {"pk": assessment_of(f).round_id},
    "staff:assessment_round_finalise": lambda f: {"pk": assessment_of(f).round_id},
    "staff:assessment_round_export": lambda f: [
        {"pk": assessment_of(f).round_id, "file_format": "csv"},
        {"pk": assessment_of(f).round_id, "file_format": "xlsx"},
    ],
    # staff: attendance, leave and overtime (a collector's own rows)
    "staff:attendance_sheet": lambda f: _month_of(f),
    "staff:attendance_sheet_confirm": lambda f: _month_of(f),
    "staff:attendance_sheet_lock": lambda f: _month_of(f),
    "staff:attendance_correct": lambda f: {"pk": _attendance_record(f).pk},
    "staff:leave_detail": lambda f: {"pk": _leave(f).pk},
    "staff:leave_cancel": lambda f: {"pk": _leave(f).pk},
    "staff:leave_return": lambda f: {"pk": _leave(f, status="taken").pk},
    "staff:overtime_detail": lambda f: {"pk": _overtime(f).pk},
    "staff:overtime_record": lambda f: {"pk": _overtime(f, status="approved").pk},
    "staff:overtime_confirm": lambda f: {"pk": _overtime(f, status="recorded").pk},
    "staff:overtime_cancel": lambda f: {"pk": _overtime(f).pk},
    # promotion reviews (tests/staff/promotion/world.py)
    "promotion:apply": lambda f: {"cycle_pk": promotion_cycle(f.collector).pk},
    # Cycles are company-wide: closing one is HQ HR's (branch HR and the rest: 403).
    "promotion:cycle_close": lambda f: {"pk": promotion_cycle(f.collector).pk},
    "promotion:application": lambda f: {"pk": promotion_application(f).pk},
    "promotion:department_review": lambda f: {"pk": promotion_application(f).pk},
    "promotion:hr_review": lambda f: {"pk": promotion_application(f).pk},
    "promotion:vote": lambda f: {"pk": promotion_application(f).pk},
    "promotion:decide": lambda f: {"pk": promotion_application(f).pk},
    "promotion:resubmit": lambda f: {"pk": promotion_application(f).pk},
    "promotion:evidence": lambda f: [
        {"pk": promotion_application(f).pk, "evidence_pk": evidence_of(f).pk},
        {"pk": promotion_application(f.home).pk, "evidence_pk": evidence_of(f).pk},
    ],
    "promotion:appeal_decide": lambda f: {"pk": appeal_of(f).pk},
    "promotion:notice": lambda f: {"pk": promotion_application(f).pk},
    "promotion:level_correct": lambda f: {"pk": f.staff_profile.pk},
    # accounts: the link in a reset mail, with another person's id and a wrong token
    "password_reset_confirm": lambda f: {
        "uidb64": urlsafe_base64_encode(force_bytes(f.collector.pk)),
        "token": "set-by-nobody",
    },
}

# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {
    # Not a row but a secret: the token decides, not who asks; a wrong one shows the
    # "invalid link" page (200), checked by test_a_wrong_reset_token_opens_nothing.
    "password_reset_confirm": roles.ALL_ROLES,
    # Promotion cycles are the company's, open to every branch: anyone may open the
    # application form (the service decides who may apply).
    "promotion:apply": roles.ALL_ROLES,
    # The notice board is for every staff member by design (DESIGN §5: public notice);
    # it shows only name, branch, step and dates, and takes appeals from anyone.
    "promotion:notice": roles.ALL_ROLES,
    # Assessment templates and rounds are company-wide (one ranking); the rows inside a
    # round and its exports are the reader's own branch only (tests/staff/assessment/).
    "staff:assessment_template": ASSESSMENT_REVIEWERS,
    "staff:assessment_round": ASSESSMENT_REVIEWERS,
    "staff:assessment_round_export": ASSESSMENT_REVIEWERS,
}


def _month_of(f):
    from staff.attendance.days import today

    day = today()
    return {"user_id": f.collector.pk, "year": day.year, "month": day.month}


def _attendance_record(f):
    from django.utils import timezone

    from staff.attendance.days import today
    from staff.models import AttendanceRecord

    record, _created = AttendanceRecord.objects.get_or_create(
        user=f.collector,
        work_date=today(),
        defaults={"branch": f.branch, "clocked_in_at": timezone.now()},
    )
    return record


def _leave(f, *, status="requested"):
    import datetime as dt

    from staff.attendance.days import today
    from staff.attendance.leave import default_leave_types_ensure
    from staff.models import LeaveRequest

    start = today() + dt.timedelta(days=30)
    return LeaveRequest.objects.create(
        user=f.collector,
        branch=f.branch,
        leave_type=default_leave_types_ensure()["annual"],
        start_date=start,
        end_date=start,
        days=1,
        reason="family",
        status=status,
    )


def _overtime(f, *, status="requested"):
    from staff.attendance.days import today
    from staff.models import OvertimeRequest

    return OvertimeRequest.objects.create(
        user=f.collector,
        branch=f.branch,
        work_date=today(),
        expected_hours=2,
        actual_hours=2 if status == "recorded" else None,
        reason="month end",
        status=status,
    )
