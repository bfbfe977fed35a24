"""The performance figures the promotion reviews and the annual assessment read.

Payments and campaigns are other areas' models: until they are installed their figures
are None ("not yet available"), never zero. What exists (calls, targets, violations) is
checked against hand-computed numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from cases.models import Case
from collections_office.workdays import company_tz
from staff import roles
from staff.models import MonthlyTarget
from staff.performance import PerformanceFigures, performance_figures
from tests.cases.api.builders import make_case
from tests.cases.workflow.comptools.conftest import make_call, make_violation
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), company_tz())


def has_model(name: str) -> bool:
    try:
        apps.get_model("cases", name)
    except LookupError:
        return False
    return True


@pytest.fixture
def people(branch_a, agreement_a):
    supervisor = make_staff(roles.SUPERVISOR, branch=branch_a, username="sup.perf")
    alice = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="alice.perf")
    bob = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="bob.perf")
    cases = [
        make_case(agreement_a, assigned_to=alice, status=Case.Status.IN_PROGRESS) for _ in range(3)
    ]
    # Alice: two calls on case 0 (one case), one on case 1, one before the period (case 2),
    # one on the last evening of the period in company time (counts).
    make_call(cases[0], alice, at=at(dt.date(2026, 1, 5)))
    make_call(cases[0], alice, at=at(dt.date(2026, 2, 5)))
    make_call(cases[1], alice, at=at(dt.date(2026, 3, 31), hour=23))
    make_call(cases[2], alice, at=at(dt.date(2025, 12, 31), hour=23))
    # Bob called case 2 once in the period.
    make_call(cases[2], bob, at=at(dt.date(2026, 3, 1)))
    make_violation(cases[0], alice, supervisor, at=at(dt.date(2026, 2, 1)))
    make_violation(cases[0], alice, supervisor, at=at(dt.date(2026, 4, 1)))  # after
    MonthlyTarget.objects.create(
        user=alice, month=dt.date(2026, 1, 1), amount=Decimal("10000"), set_by=supervisor
    )
    MonthlyTarget.objects.create(
        user=alice, month=dt.date(2026, 3, 1), amount=Decimal("20000"), set_by=supervisor
    )
    return {"alice": alice, "bob": bob, "cases": cases, "supervisor": supervisor}


def test_the_setting_names_the_cases_function():
    function = import_string(settings.PERFORMANCE_FIGURES_FUNCTION)
    assert function.__module__ == "cases.performance"


def test_cases_worked_counts_distinct_cases_called_in_the_period(people):
    figures = performance_figures(
        user_ids=[people["alice"].pk, people["bob"].pk], start=START, end=END
    )
    alice, bob = figures[people["alice"].pk], figures[people["bob"].pk]
    assert isinstance(alice, PerformanceFigures)
    assert alice.cases_worked == 2  # case 0 (twice) and case 1; case 2 was before
    assert bob.cases_worked == 1
    assert alice.violations == 1
    assert bob.violations == 0


def test_months_carry_the_targets_and_a_month_without_one(people):
    alice = performance_figures(user_ids=[people["alice"].pk], start=START, end=END)[
        people["alice"].pk
    ]
    assert [m.month for m in alice.months] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert [m.target for m in alice.months] == [Decimal("10000"), None, Decimal("20000")]
    assert alice.months_with_target == 2
    # February had no target: no completion, whatever the payments.
    assert alice.months[1].completion is None


def test_a_fixed_number_of_queries_whatever_the_number_of_people(people, branch_a):
    many = [make_staff(roles.PHONE_COLLECTOR, branch=branch_a).pk for _ in range(15)]
    with CaptureQueriesContext(connection) as one:
        performance_figures(user_ids=[people["alice"].pk], start=START, end=END)
    with CaptureQueriesContext(connection) as lots:
        figures = performance_figures(user_ids=[people["alice"].pk, *many], start=START, end=END)
    assert len(lots) == len(one)
    assert len(figures) == 16
    assert figures[many[0]].cases_worked == 0


def test_no_people_no_queries():
    assert performance_figures(user_ids=[], start=START, end=END) == {}
