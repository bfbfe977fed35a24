"""People, a cycle and stand-in figures for the promotion chain.

The chain's tests are not tests of the figures (tests/cases/performance are): the setting
PERFORMANCE_FIGURES_FUNCTION points at `stand_in_figures`, which returns what a test puts
in STAND_IN (by default, figures that meet every default criterion).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from staff import roles
from staff.models import Department, Position, PromotionCycle
from staff.performance import MonthFigures, PerformanceFigures, month_starts
from staff.promotion.setup import cycle_open
from tests.factories import make_staff

PERIOD = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
STAND_IN: dict[str, object] = {}


def good_figures(user_id, start, end, **changes) -> PerformanceFigures:
    values = {
        "user_id": user_id,
        "start": start,
        "end": end,
        "cases_worked": 400,
        "amount_collected": Decimal("2500000.00"),
        "cases_with_payment": 160,
        "success_rate": Decimal("40.00"),
        "complex_cases": 12,
        "campaigns_led": 3,
        "violations": 0,
        "months": [
            MonthFigures(m, Decimal("10000"), Decimal("12000"), Decimal("120.00"))
            for m in month_starts(start, end)
        ],
    }
    values.update(changes)
    return PerformanceFigures(**values)


def stand_in_figures(*, user_ids, start, end):
    changes = STAND_IN.get("changes", {})
    return {pk: good_figures(pk, start, end, **changes) for pk in user_ids}


@pytest.fixture(autouse=True)
def _shipped_criteria(db):
    """The data migration's criteria, back if a transactional test (a browser test) flushed
    them (with --reuse-db a flushed test database stays flushed for the next run)."""
    import importlib

    from django.apps import apps

    from staff.models import ComplexCaseDefinition, PromotionCriteria

    if not PromotionCriteria.objects.exists() or not ComplexCaseDefinition.objects.exists():
        importlib.import_module("staff.migrations.0008_promotion_defaults").add_defaults(apps, None)


@pytest.fixture(autouse=True)
def _stand_in_figures(settings):
    settings.PERFORMANCE_FIGURES_FUNCTION = "tests.staff.promotion.conftest.stand_in_figures"
    STAND_IN.clear()
    yield
    STAND_IN.clear()


@pytest.fixture
def people(hq, branch_a, branch_b):
    head = make_staff(roles.DEPARTMENT_HEAD, branch=branch_a, username="head.a")
    department = Department.objects.create(branch=branch_a, name="Collections A", head=head)
    applicant = make_staff(
        roles.PHONE_COLLECTOR,
        branch=branch_a,
        username="col.a",
        position=Position.JUNIOR_COLLECTOR,
        department=department,
        hire_date=dt.date(2023, 1, 1),
    )
    colleague = make_staff(
        roles.PHONE_COLLECTOR,
        branch=branch_a,
        username="col.a2",
        position=Position.JUNIOR_COLLECTOR,
        department=department,
        hire_date=dt.date(2023, 1, 1),
    )
    hr = make_staff(roles.HR, branch=branch_a, username="hr.a")
    hq_hr = make_staff(roles.HR, branch=hq, username="hr.hq")
    hr_b = make_staff(roles.HR, branch=branch_b, username="hr.b")
    head_b = make_staff(roles.DEPARTMENT_HEAD, branch=branch_b, username="head.b")
    members = [make_staff(roles.COMMITTEE, branch=hq, username=f"cm{n}") for n in range(3)]
    return {
        "head": head,
        "department": department,
        "applicant": applicant,
        "colleague": colleague,
        "hr": hr,
        "hq_hr": hq_hr,
        "hr_b": hr_b,
        "head_b": head_b,
        "members": members,
        "supervisor": make_staff(roles.SUPERVISOR, branch=branch_a, username="sup.a"),
    }


@pytest.fixture
def cycle(people) -> PromotionCycle:
    return cycle_open(
        actor=people["hq_hr"],
        name="2025 promotions",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        steps=[Position.JUNIOR_COLLECTOR, Position.MID_COLLECTOR],
        deadline=dt.date(2030, 12, 31),
        committee=people["members"],
        notice_working_days=5,
        quorum=2,
    )


def pdf(name="certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def submit(cycle, applicant, **extra):
    from staff.promotion.services import application_submit

    return application_submit(
        cycle=cycle,
        applicant=applicant,
        capability_statement="I handle the hard calls well.",
        attitude_statement="Never missed a shift.",
        **extra,
    )
