"""One definition of each figure: the collectors' weekly progress report (cases) and the
daily rollups (reporting) read cases.figures, so on a week with every kind of work they
give the same numbers — and those numbers are the hand-counted ones."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from cases.audio import tone_wav
from cases.figures import DAILY_FIGURES
from cases.models import (
    Case,
    ComplianceOverride,
    Party,
    Payment,
    Promise,
    VisitNomination,
    VisitReport,
)
from cases.selectors import reports as report_selectors
from reporting import rollups
from reporting.models import DailyCollectorFigures
from staff import roles
from tests.cases.api.builders import make_case
from tests.cases.conftest import AgreementFactory
from tests.factories import make_staff

from .conftest import WEEK, call, outcome, shanghai

pytestmark = pytest.mark.django_db

MON, SUN = WEEK


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


@pytest.fixture
def busy_week(week_world):
    """On top of week_world's calls of A1 (3 in the week, 1 a conversation with the
    debtor): every kind of work, some of it just outside the week."""
    a1, branch = week_world["a1"], week_world["branch_a"]
    supervisor = make_staff(roles.SUPERVISOR, branch=branch, username="sup.agree")
    field = make_staff(roles.FIELD_COLLECTOR, branch=branch, username="field.agree")
    case = Case.objects.filter(assigned_to=a1, status=Case.Status.IN_PROGRESS).first()
    # A conversation with a relative: a call, not a contact with the debtor.
    relative = call(case, a1, shanghai(day(1), 11), conversation=True)
    relative.party = Party.RELATIVE
    relative.save(update_fields=["party"])
    outcome("talked", conversation=True)
    ComplianceOverride.objects.create(
        case=case,
        collector=a1,
        reason="urgent",
        granted_by=supervisor,
        granted_at=shanghai(day(3), 10),
        valid_until=shanghai(day(3), 14),
    )

    def promise(made_at, due_on, status):
        made = Promise.objects.create(
            case=case,
            amount=Decimal("100.00"),
            due_on=due_on,
            counts_from=made_at.date(),
            made_by=a1,
        )
        Promise.objects.filter(pk=made.pk).update(created_at=made_at, status=status)

    promise(shanghai(day(1), 9), day(4), "kept")  # made and kept in the week
    promise(shanghai(day(-1), 9), day(2), "kept")  # made before, kept in the week
    promise(shanghai(day(2), 9), day(9), "kept")  # made in the week, due the next
    promise(shanghai(day(2), 10), day(5), "broken")  # made in the week, broken

    def payment(paid_on, amount, status, confirmed_at=None):
        Payment.objects.create(
            case=case,
            amount=Decimal(amount),
            paid_on=paid_on,
            channel="to_bank",
            status=status,
            claimed_by=a1,
            confirmed_by=supervisor if status == "confirmed" else None,
            confirmed_at=confirmed_at,
        )

    payment(day(1), "300.00", "confirmed", shanghai(day(1), 17))
    payment(day(5), "120.50", "confirmed", shanghai(day(7), 9))  # confirmed the next Monday
    payment(day(2), "50.00", "claimed")
    payment(day(-1), "999.00", "confirmed", shanghai(day(0), 9))  # paid the Sunday before

    nomination = VisitNomination.objects.create(
        case=case,
        branch=branch,
        nominated_by=a1,
        field_collector=field,
        reason="No answer",
        address="Road 1",
        find_out="Still there?",
        nominated_at=shanghai(day(3), 9),
        list_day=day(4),
        due_at=shanghai(day(6), 9),
    )
    report = VisitReport(
        nomination=nomination,
        case=case,
        branch=branch,
        field_collector=field,
        visited_at=shanghai(day(5), 15),
        place="Door",
        met="debtor",
        outcome=VisitReport.Outcome.PROMISED,
        recording_sha256=hashlib.sha256(b"x").hexdigest(),
        recording_size=10,
        recording_content_type="audio/wav",
        submitted_at=shanghai(day(5), 18),
    )
    report.recording.save("agree.wav", ContentFile(tone_wav(seconds=0.1)), save=False)
    report.save()

    # Service levels (120 minutes): a first action after 3 hours breaches, one after an
    # hour does not, one never acted on breaches.
    agreement = AgreementFactory(branch=branch)
    for assigned_at, first_action_at in (
        (shanghai(day(0), 10), shanghai(day(0), 13)),
        (shanghai(day(1), 10), shanghai(day(1), 11)),
        (shanghai(day(4), 10), None),
    ):
        make_case(
            agreement,
            assigned_to=a1,
            status=Case.Status.ASSIGNED,
            assigned_at=assigned_at,
            first_action_at=first_action_at,
        )
    return week_world


EXPECTED_A1 = {
    "calls": 4,
    "contacts": 1,
    "overrides": 1,
    "promises_made": 3,
    "promises_kept": 2,
    "amount_confirmed": Decimal("420.50"),
    "visits_requested": 1,
    "visits_done": 1,
    "sla_breaches": 2,
}


def test_the_weekly_report_and_the_rollups_give_the_hand_counted_figures(busy_week):
    a1 = busy_week["a1"]
    report = report_selectors.collector_figures(a1, start_day=MON, end_day=SUN)
    rollups.compute_days(day(-7), day(13))
    rows = DailyCollectorFigures.objects.filter(collector=a1, day__gte=MON, day__lte=SUN)
    summed = {key: sum(getattr(row, key) for row in rows) for key in DAILY_FIGURES}
    assert {key: report[key] for key in DAILY_FIGURES} == EXPECTED_A1
    assert summed == EXPECTED_A1
    # The rollups' period sums (what reporting's reports and dashboards read) agree too.
    from_rollups = rollups.period_figures(MON, SUN)[a1.pk]
    assert {key: from_rollups[key] for key in DAILY_FIGURES} == EXPECTED_A1


def test_each_figure_lands_on_its_own_day(busy_week):
    a1 = busy_week["a1"]
    rollups.compute_days(MON, SUN)
    on = {row.day: row for row in DailyCollectorFigures.objects.filter(collector=a1)}
    assert on[day(1)].promises_made == 1 and on[day(2)].promises_made == 2
    assert on[day(2)].promises_kept == 1 and on[day(4)].promises_kept == 1
    assert on[day(5)].amount_confirmed == Decimal("120.50")  # its payment date
    assert on[day(3)].visits_requested == 1 and on[day(5)].visits_done == 1
    assert on[day(0)].sla_breaches == 1 and on[day(4)].sla_breaches == 1
    assert on[day(1)].sla_breaches == 0
