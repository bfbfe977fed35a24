"""Time boundaries of the scheduled reports, with the clock moved (company time is
Asia/Shanghai, UTC+8, while the server and the database keep UTC):
- a run at 00:30 company time on the 1st (still the last day of the month in UTC) reports
  the month that just ended, and a call at 23:50 of its last day belongs to it;
- New Year: the December report and the week across the new year;
- a leap day: February 2028 has 29 days, and money paid on the 29th counts;
- a week across a public holiday (National Day 2026) is still Monday–Sunday.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from cases.models import Case, Payment
from collections_office.workdays import is_working_day
from reporting import services
from reporting.models import ReportResult
from staff import roles
from staff.models import MonthlyTarget
from tests.cases.api.builders import make_case
from tests.cases.conftest import AgreementFactory
from tests.factories import make_staff

from .conftest import call, shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(branch_a):
    """A collector of branch A with a case placed long ago on a 10 % flat agreement."""
    collector = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="a1")
    confirmer = make_staff(roles.SUPERVISOR, branch=branch_a, username="sup.a")
    agreement = AgreementFactory(branch=branch_a, flat_rate=Decimal("0.1000"))
    case = make_case(
        agreement,
        assigned_to=collector,
        status=Case.Status.IN_PROGRESS,
        placed_at=shanghai(dt.date(2026, 1, 15), 9),
    )
    return {"collector": collector, "confirmer": confirmer, "case": case}


def _scheduled(key: str, at: dt.datetime) -> ReportResult:
    """Beat's entry for `key` at `at` (company time), executed to the end."""
    with time_machine.travel(at, tick=False):
        run = services.run_scheduled(key)
        assert run is not None
        assert services.run_execute(run.pk) == "succeeded"
    return ReportResult.objects.get(run=run)


def _calls_of(result, user) -> int:
    return next(row["calls"] for row in result.rows if row["collector_id"] == user.pk)


def test_a_run_at_00_30_on_the_1st_reports_the_month_that_just_ended(desk):
    collector, case = desk["collector"], desk["case"]
    call(case, collector, shanghai(dt.date(2026, 11, 30), 23, 50), conversation=True)
    call(case, collector, shanghai(dt.date(2026, 12, 1), 0, 10), conversation=True)
    at = shanghai(dt.date(2026, 12, 1), 0, 30)
    assert at.astimezone(dt.UTC).date() == dt.date(2026, 11, 30)  # still November in UTC
    result = _scheduled("collector-monthly", at)
    assert (result.period_start, result.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert _calls_of(result, collector) == 1  # 23:50 on the 30th in, 00:10 on the 1st out


def test_new_year_the_december_report_and_the_week_across_the_year(desk):
    collector, case = desk["collector"], desk["case"]
    call(case, collector, shanghai(dt.date(2026, 12, 31), 23, 59), conversation=False)
    call(case, collector, shanghai(dt.date(2027, 1, 1), 0, 1), conversation=False)
    call(case, collector, shanghai(dt.date(2027, 1, 3), 23, 59), conversation=False)
    call(case, collector, shanghai(dt.date(2027, 1, 4), 0, 0), conversation=False)
    december = _scheduled("collector-monthly", shanghai(dt.date(2027, 1, 1), 0, 30))
    assert (december.period_start, december.period_end) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    assert _calls_of(december, collector) == 1
    week = _scheduled("collector-weekly", shanghai(dt.date(2027, 1, 4), 6, 0))
    assert (week.period_start, week.period_end) == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))
    assert _calls_of(week, collector) == 3  # Dec 31, Jan 1, Jan 3; not Monday 00:00
    assert week.csv_file.name.split("/")[-1].startswith("collector_weekly-20261228-20270103")


def test_a_leap_day_belongs_to_february_with_its_money_and_commission(desk):
    collector, case = desk["collector"], desk["case"]
    call(case, collector, shanghai(dt.date(2028, 2, 29), 23, 30), conversation=True)
    call(case, collector, shanghai(dt.date(2028, 3, 1), 0, 5), conversation=True)
    Payment.objects.create(
        case=case,
        amount=Decimal("1234.56"),
        paid_on=dt.date(2028, 2, 29),
        channel="to_bank",
        status="confirmed",
        claimed_by=collector,
        confirmed_by=desk["confirmer"],
        confirmed_at=shanghai(dt.date(2028, 2, 29), 23, 0),
    )
    MonthlyTarget.objects.create(
        user=collector,
        month=dt.date(2028, 2, 1),
        amount=Decimal("1000.00"),
        set_by=desk["confirmer"],
    )
    at = shanghai(dt.date(2028, 3, 1), 0, 30)
    monthly = _scheduled("collector-monthly", at)
    assert (monthly.period_start, monthly.period_end) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert _calls_of(monthly, collector) == 1
    finance = _scheduled("collector-finance-monthly", at)
    (row,) = [row for row in finance.rows if row["collector_id"] == collector.pk]
    # 1,234.56 × 10 % = 123.456 → 123.46 (half up, per payment).
    assert (row["month"], row["amount_confirmed"], row["commission"]) == (
        "2028-02",
        "1234.56",
        "123.46",
    )
    assert row["target_met"] is True


def test_a_week_across_a_public_holiday_is_still_monday_to_sunday(desk):
    """National Day 2026: Thursday 1 October is a public holiday; the week report of
    28 September – 4 October counts the work done on the holiday like any other day, and
    beat's Monday run on 5 October (still a holiday) reports that week."""
    collector, case = desk["collector"], desk["case"]
    assert not is_working_day(dt.date(2026, 10, 1))
    call(case, collector, shanghai(dt.date(2026, 9, 27), 23, 59), conversation=False)  # out
    call(case, collector, shanghai(dt.date(2026, 9, 30), 10), conversation=False)
    call(case, collector, shanghai(dt.date(2026, 10, 1), 10), conversation=True)  # holiday
    call(case, collector, shanghai(dt.date(2026, 10, 4), 23, 0), conversation=False)
    week = _scheduled("collector-weekly", shanghai(dt.date(2026, 10, 5), 6, 0))
    assert (week.period_start, week.period_end) == (dt.date(2026, 9, 28), dt.date(2026, 10, 4))
    row = next(row for row in week.rows if row["collector_id"] == collector.pk)
    assert (row["calls"], row["contacts"]) == (3, 1)
