"""A supervisor's (or manager's) figures are their team's: the person and the collectors
they assigned cases to in the period. Hand-computed on the fixture of test_figures.py
(alice and bob's calls and alice's targets) plus the payments below.

    team of sam (supervisor) in Q1 2026 = sam, alice (assigned in January), bob (March);
    carol is not in it (sam assigned her a case in December; another supervisor in
    February).

    cases worked:  alice {0, 1}, bob {2}, sam {2}               → 3 distinct
    amount:        alice 3000 + 2000 + 4000, bob 1000           → 10,000.00
    successes:     case 0 (alice paid and worked it), case 2 (bob paid and worked it);
                   alice's 4000 on case 2 is not hers (she did not call it in Q1)
                                                                → 2 of 3 = 66.67 %
    complex:       case 0 (principal 60,000)                    → 1
    months:        Jan target alice 10,000, confirmed 3,000     → 30.00 %
                   Feb target sam 1,000, confirmed 0            →  0.00 %
                   Mar target alice 20,000 + bob 5,000, confirmed 2,000 + 4,000 + 1,000
                                                                → 28.00 %
    campaigns led: sam's own (1); violations: sam's own (0)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseAssignment
from staff import roles
from staff.models import MonthlyTarget, Position, PromotionCriteria
from staff.performance import figures_as_json, performance_figures
from staff.promotion.eligibility import evaluate
from tests.cases.workflow.comptools.conftest import make_call
from tests.factories import make_staff

from .test_figures import END, START, at
from .test_figures import people as people  # the fixture
from .test_figures_with_payments import REAL
from .test_figures_with_payments import money as money  # the fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REAL, reason="payments and campaigns are on main"),
]


def assign(case, to, by, day):
    return CaseAssignment.objects.create(
        case=case, to_collector=to, assigned_by=by, assigned_at=at(day)
    )


@pytest.fixture
def team(people, money, branch_a):
    pay, campaign = money
    alice, bob, cases = people["alice"], people["bob"], people["cases"]
    sam = make_staff(
        roles.SUPERVISOR,
        branch=branch_a,
        username="sam.perf",
        position=Position.COLLECTION_SUPERVISOR,
    )
    carol = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="carol.perf")
    Case.objects.filter(pk=cases[0].pk).update(principal=Decimal("60000"))  # complex
    assign(cases[0], alice, sam, dt.date(2026, 1, 2))
    assign(cases[1], alice, sam, dt.date(2026, 1, 3))  # alice twice: one member
    assign(cases[2], bob, sam, dt.date(2026, 3, 1))
    assign(cases[1], carol, sam, dt.date(2025, 12, 15))  # before the period
    assign(cases[1], carol, people["supervisor"], dt.date(2026, 2, 1))  # not sam's act
    make_call(cases[2], sam, at=at(dt.date(2026, 2, 10)))
    make_call(cases[1], carol, at=at(dt.date(2026, 2, 11)))
    MonthlyTarget.objects.create(
        user=bob, month=dt.date(2026, 3, 1), amount=Decimal("5000"), set_by=sam
    )
    MonthlyTarget.objects.create(
        user=sam, month=dt.date(2026, 2, 1), amount=Decimal("1000"), set_by=people["supervisor"]
    )
    pay(cases[0], alice, "3000", dt.date(2026, 1, 10))
    pay(cases[0], alice, "2000", dt.date(2026, 3, 5))
    pay(cases[1], alice, "999", dt.date(2026, 2, 20), status="claimed")  # not confirmed
    pay(cases[2], alice, "4000", dt.date(2026, 3, 10))
    pay(cases[0], alice, "500", dt.date(2025, 12, 31))  # before the period
    pay(cases[2], bob, "1000", dt.date(2026, 3, 2))
    pay(cases[1], carol, "7000", dt.date(2026, 2, 12))  # carol is not in the team
    campaign("Sam's drive", sam, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    campaign("Alice's drive", alice, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    return {**people, "sam": sam, "carol": carol}


def test_a_supervisor_s_team_figures_equal_the_hand_computed_ones(team):
    sam = performance_figures(user_ids=[team["sam"].pk], start=START, end=END)[team["sam"].pk]
    # Own figures stay the person's own: one case called, nothing claimed.
    assert (sam.cases_worked, sam.amount_collected, sam.team_size) == (1, Decimal("0.00"), None)
    t = sam.team
    assert t is not None and t.team_size == 2
    assert t.cases_worked == 3
    assert t.amount_collected == Decimal("10000.00")
    assert (t.cases_with_payment, t.success_rate) == (2, Decimal("66.67"))
    assert t.complex_cases == 1
    assert [(m.month, m.target, m.confirmed, m.completion) for m in t.months] == [
        (dt.date(2026, 1, 1), Decimal("10000"), Decimal("3000"), Decimal("30.00")),
        (dt.date(2026, 2, 1), Decimal("1000"), Decimal("0.00"), Decimal("0.00")),
        (dt.date(2026, 3, 1), Decimal("25000"), Decimal("7000"), Decimal("28.00")),
    ]
    assert t.lowest_monthly_completion == Decimal("0.00")
    assert (t.campaigns_led, t.violations) == (1, 0)


def test_collectors_have_no_team_figures_and_their_own_are_unchanged(team):
    figures = performance_figures(user_ids=[team["alice"].pk, team["sam"].pk], start=START, end=END)
    alice = figures[team["alice"].pk]
    assert alice.team is None
    assert alice.amount_collected == Decimal("9000.00")  # as test_figures_with_payments
    assert figures[team["sam"].pk].team.amount_collected == Decimal("10000.00")


def test_a_manager_is_judged_on_the_team_too(team):
    from staff.models import StaffProfile

    StaffProfile.objects.filter(user=team["sam"]).update(position=Position.COLLECTION_MANAGER)
    sam = performance_figures(user_ids=[team["sam"].pk], start=START, end=END)[team["sam"].pk]
    assert sam.team.amount_collected == Decimal("10000.00")


def test_the_supervisor_to_manager_criteria_read_the_team_figures(team):
    criteria = PromotionCriteria.objects.get(from_position=Position.COLLECTION_SUPERVISOR)
    criteria.min_amount = Decimal("10000")
    criteria.min_success_rate = Decimal("60")
    criteria.save()
    standing = evaluate(user=team["sam"], start=START, end=END)
    lines = {c.key: c for c in standing.criteria}
    assert (lines["amount"].value, lines["amount"].met) == (Decimal("10000.00"), True)
    assert (lines["success_rate"].value, lines["success_rate"].met) == (Decimal("66.67"), True)
    assert lines["monthly_completion"].value == Decimal("0.00")  # February's 0 %
    assert standing.figures.team_size == 2
    frozen = figures_as_json(standing.figures)
    assert (frozen["amount_collected"], frozen["team_size"]) == ("10000.00", 2)


def test_a_fixed_number_of_queries_whatever_the_number_of_leads(team, branch_a):
    others = [
        make_staff(roles.SUPERVISOR, branch=branch_a, position=Position.COLLECTION_SUPERVISOR)
        for _ in range(4)
    ]
    for n, other in enumerate(others):
        assign(team["cases"][n % 3], team["carol"], other, dt.date(2026, 2, 2 + n))
    with CaptureQueriesContext(connection) as one:
        performance_figures(user_ids=[team["sam"].pk], start=START, end=END)
    with CaptureQueriesContext(connection) as five:
        figures = performance_figures(
            user_ids=[team["sam"].pk, *(o.pk for o in others)], start=START, end=END
        )
    assert len(five) == len(one)
    assert figures[others[0].pk].team.team_size == 1  # carol
    assert figures[others[0].pk].team.amount_collected == Decimal("7000.00")
    assert figures[team["sam"].pk].team.amount_collected == Decimal("10000.00")
