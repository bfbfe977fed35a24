"""The whole chain, from application to appointment on the effective date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from staff.models import (
    LevelChange,
    Notification,
    Position,
    PromotionApplication,
    PromotionStageRecord,
)
from staff.promotion import committee as chain
from staff.promotion import services

from .conftest import pdf, submit

pytestmark = pytest.mark.django_db(transaction=False)
SHANGHAI = ZoneInfo("Asia/Shanghai")
Status = PromotionApplication.Status
Action = PromotionStageRecord.Action


def test_application_to_appointment_with_a_send_back_and_an_upheld_appeal(
    people, cycle, django_capture_on_commit_callbacks
):
    applicant, head, hr = people["applicant"], people["head"], people["hr"]
    m1, m2, m3 = people["members"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            application = submit(cycle, applicant)
        assert application.status == Status.DEPARTMENT_REVIEW
        assert application.to_position == Position.MID_COLLECTOR
        assert application.figures["amount_collected"] == "2500000.00"  # frozen
        assert application.department_reviewer == head
        assert Notification.objects.filter(recipient=head).count() == 1
        assert any(head.email in m.to for m in mail.outbox)

        services.department_review(
            application=application, actor=head, decision="send_back", opinion="Attach the award."
        )
        application.refresh_from_db()
        assert application.status == Status.MORE_EVIDENCE
        services.application_resubmit(
            application=application, actor=applicant, note="Here it is.", files=[pdf()]
        )
        application.refresh_from_db()
        assert application.status == Status.DEPARTMENT_REVIEW
        assert application.evidence.count() == 1
        services.department_review(
            application=application, actor=head, decision="support", opinion="Strong collector."
        )
        services.hr_review(
            application=application, actor=hr, recommend=True, evaluation="Meets every bar."
        )
        application.refresh_from_db()
        assert application.status == Status.COMMITTEE
        assert application.committee_round == 1
        chain.committee_vote(application=application, actor=m1, choice="for", comment="Yes")
        chain.committee_vote(application=application, actor=m2, choice="for")
        application = chain.committee_decide(application=application, actor=m1)
        assert application.status == Status.PUBLIC_NOTICE
        # Decided on Monday 2 March: notice Tue 3 – Mon 9 March (5 working days).
        assert application.notice_starts_at == dt.datetime(2026, 3, 3, tzinfo=SHANGHAI)
        assert application.notice_ends_at == dt.datetime(2026, 3, 10, tzinfo=SHANGHAI)

    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        appeal = chain.appeal_file(
            application=application,
            filed_by=people["colleague"],
            grounds="Figures include my cases.",
        )
        chain.appeal_decide(appeal=appeal, actor=hr, uphold=True, note="Committee to look again.")
        application.refresh_from_db()
        assert application.status == Status.COMMITTEE
        assert application.committee_round == 2
        assert application.notice_ends_at is None
        # Round 2: the round-1 votes do not count.
        chain.committee_vote(application=application, actor=m2, choice="for")
        chain.committee_vote(application=application, actor=m3, choice="for")
        application = chain.committee_decide(application=application, actor=m3)
        # Thursday 5 March → notice Fri 6, Mon 9 … Thu 12; ends Fri 13 00:00.
        assert application.notice_ends_at == dt.datetime(2026, 3, 13, tzinfo=SHANGHAI)
        assert application.effective_on == dt.date(2026, 3, 13)

    with time_machine.travel(dt.datetime(2026, 3, 12, 23, 0, tzinfo=SHANGHAI), tick=False):
        assert chain.appoint_due() == 0  # the notice is still running
    with time_machine.travel(dt.datetime(2026, 3, 13, 0, 10, tzinfo=SHANGHAI), tick=False):
        assert chain.appoint_due() == 1
        assert chain.appoint_due() == 0  # a second run changes nothing
    application.refresh_from_db()
    applicant.staff_profile.refresh_from_db()
    assert application.status == Status.APPOINTED
    assert applicant.staff_profile.position == Position.MID_COLLECTOR
    change = LevelChange.objects.get(user=applicant)
    assert (change.from_position, change.to_position) == (
        Position.JUNIOR_COLLECTOR,
        Position.MID_COLLECTOR,
    )
    assert change.effective_on == dt.date(2026, 3, 13)
    assert change.reason == LevelChange.Reason.APPOINTMENT
    actions = list(application.stages.values_list("action", flat=True))
    assert actions == [
        Action.SUBMITTED,
        Action.SENT_BACK,
        Action.RESUBMITTED,
        Action.DEPARTMENT_APPROVED,
        Action.HR_RECOMMENDED,
        Action.VOTED,
        Action.VOTED,
        Action.COMMITTEE_APPROVED,
        Action.APPEAL_FILED,
        Action.APPEAL_UPHELD,
        Action.VOTED,
        Action.VOTED,
        Action.COMMITTEE_APPROVED,
        Action.APPOINTED,
    ]
    assert application.stages.get(action=Action.SENT_BACK).actor == head


def test_the_task_in_the_beat_schedule_appoints(people, cycle):
    from collections_office.celery import app
    from staff.tasks import promotion_appoint_due

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "staff.tasks.promotion_appoint_due" in names
    assert promotion_appoint_due() == 0


@pytest.mark.parametrize(
    ("decided", "starts", "ends"),
    [
        # Friday 26 Sept 2025: Sat 27 off, Sun 28 a make-up working day (1), Mon 29 (2),
        # Tue 30 (3), 1–8 Oct National Day, Thu 9 (4), Fri 10 (5) → ends Sat 11 00:00.
        (dt.datetime(2025, 9, 26, 16, 0), dt.date(2025, 9, 28), dt.date(2025, 10, 11)),
        # Decided on the holiday itself: Thu 9 (1), Fri 10, Sat 11 (make-up), Mon 13, Tue 14.
        (dt.datetime(2025, 10, 3, 10, 0), dt.date(2025, 10, 9), dt.date(2025, 10, 15)),
    ],
)
def test_the_notice_counts_working_days_across_holidays_and_make_up_days(decided, starts, ends):
    start, end = chain.notice_period(decided.replace(tzinfo=SHANGHAI), 5)
    assert start == dt.datetime.combine(starts, dt.time(0), SHANGHAI)
    assert end == dt.datetime.combine(ends, dt.time(0), SHANGHAI)


def test_a_notice_decided_before_national_day_ends_on_the_right_day(people, cycle):
    m1, m2 = people["members"][:2]
    with time_machine.travel(dt.datetime(2025, 9, 26, 16, 0, tzinfo=SHANGHAI), tick=False):
        application = submit(cycle, people["applicant"])
        services.department_review(
            application=application, actor=people["head"], decision="support", opinion="ok"
        )
        services.hr_review(
            application=application, actor=people["hr"], recommend=True, evaluation="ok"
        )
        chain.committee_vote(application=application, actor=m1, choice="for")
        chain.committee_vote(application=application, actor=m2, choice="for")
        application = chain.committee_decide(application=application, actor=m1)
    assert application.effective_on == dt.date(2025, 10, 11)
    with time_machine.travel(dt.datetime(2025, 10, 10, 23, 59, tzinfo=SHANGHAI), tick=False):
        chain.appeal_file(application=application, filed_by=people["colleague"], grounds="late")
    with time_machine.travel(dt.datetime(2025, 10, 11, 8, 0, tzinfo=SHANGHAI), tick=False):
        # An open appeal holds the appointment back until HR decides it.
        assert chain.appoint_due() == 0
        appeal = application.appeals.get()
        chain.appeal_decide(appeal=appeal, actor=people["hr"], uphold=False, note="No grounds.")
        assert chain.appoint_due() == 1
