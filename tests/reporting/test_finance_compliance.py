"""Collector performance for finance and the compliance report: totals equal hand-computed
fixtures, readers as the kinds name them, downloads escape formulas."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import (
    CallQualityReview,
    Case,
    ComplianceOverride,
    ComplianceRefusal,
    ComplianceViolation,
    Payment,
)
from reporting import services
from reporting.models import ReportResult, ReportSchedule
from staff import roles
from staff.models import MonthlyTarget
from tests.cases.api.builders import make_case
from tests.cases.conftest import AgreementFactory
from tests.factories import hq_branch, make_staff

from .conftest import call, shanghai

pytestmark = pytest.mark.django_db

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def pay(case, collector, confirmer, amount: str, paid_on: dt.date, status="confirmed"):
    return Payment.objects.create(
        case=case,
        amount=Decimal(amount),
        paid_on=paid_on,
        channel="to_bank",
        status=status,
        claimed_by=collector,
        confirmed_by=confirmer if status == "confirmed" else None,
        confirmed_at=shanghai(paid_on, 18) if status == "confirmed" else None,
    )


@pytest.fixture
def money_world(branch_a, branch_b):
    """October 2026. a1 (branch A): confirmed 1,000.00 (Oct 5) and 333.33 (Oct 31, 23:00
    is no matter: paid_on is a date) on a 10 % flat agreement → commission 100.00 + 33.33;
    a claimed 50.00 (not counted); 70.00 on Nov 1 (outside); 200.00 on a case placed only
    in November (commission 0). Target 1,200.00 → met. a2: no work, no target. b1 (branch
    B): 500.00 at 5 % → 25.00; target 600.00 → not met."""
    a1 = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="a1")
    a2 = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="a2")
    b1 = make_staff(roles.PHONE_COLLECTOR, branch=branch_b, username="b1")
    supervisor_a = make_staff(roles.SUPERVISOR, branch=branch_a, username="sup.a")
    supervisor_b = make_staff(roles.SUPERVISOR, branch=branch_b, username="sup.b")
    placed = shanghai(dt.date(2026, 9, 1), 9)
    flat10 = AgreementFactory(branch=branch_a, flat_rate=Decimal("0.1000"))
    flat5 = AgreementFactory(branch=branch_b, flat_rate=Decimal("0.0500"))
    case_a = make_case(flat10, assigned_to=a1, placed_at=placed, status=Case.Status.IN_PROGRESS)
    late_case = make_case(
        flat10, assigned_to=a1, placed_at=shanghai(dt.date(2026, 11, 2), 9), status="in_progress"
    )
    case_b = make_case(flat5, assigned_to=b1, placed_at=placed, status=Case.Status.IN_PROGRESS)
    pay(case_a, a1, supervisor_a, "1000.00", dt.date(2026, 10, 5))
    pay(case_a, a1, supervisor_a, "333.33", dt.date(2026, 10, 31))
    pay(case_a, a1, supervisor_a, "50.00", dt.date(2026, 10, 6), status="claimed")
    pay(case_a, a1, supervisor_a, "70.00", dt.date(2026, 11, 1))
    pay(late_case, a1, supervisor_a, "200.00", dt.date(2026, 10, 20))
    pay(case_b, b1, supervisor_b, "500.00", dt.date(2026, 10, 15))
    for user, amount, setter in ((a1, "1200.00", supervisor_a), (b1, "600.00", supervisor_b)):
        MonthlyTarget.objects.create(
            user=user, month=dt.date(2026, 10, 1), amount=Decimal(amount), set_by=setter
        )
    return {
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "case_a": case_a,
        "case_b": case_b,
        "supervisor_a": supervisor_a,
        "supervisor_b": supervisor_b,
        "branch_a": branch_a,
        "branch_b": branch_b,
    }


def _run(kind: str, period=OCTOBER) -> ReportResult:
    run = services.run_request(
        kind=kind, period_start=period[0], period_end=period[1], trigger="manual"
    )
    assert services.run_execute(run.pk) == "succeeded"
    return ReportResult.objects.get(kind=kind, period_start=period[0], period_end=period[1])


def test_finance_report_totals_equal_the_hand_computed_figures(money_world):
    result = _run("collector_finance")
    rows = {row["collector_id"]: row for row in result.rows}
    a1, a2, b1 = (rows[money_world[name].pk] for name in ("a1", "a2", "b1"))
    assert (a1["amount_confirmed"], a1["commission"]) == ("1533.33", "133.33")
    assert (a1["target"], a1["target_met"], a1["month"]) == ("1200.00", True, "2026-10")
    assert a1["target_share"] == "127.8%"
    assert (b1["amount_confirmed"], b1["commission"], b1["target_met"]) == (
        "500.00",
        "25.00",
        False,
    )
    assert (a2["amount_confirmed"], a2["commission"], a2["target"], a2["target_met"]) == (
        "0.00",
        "0.00",
        None,
        None,
    )
    assert result.summary["commission"] == "158.33"
    assert result.summary["targets_met"] == 1
    text = result.csv_file.read().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Collector,Employee number,Branch,Team,Month")


def test_finance_report_is_scheduled_on_the_1st_at_06_00():
    schedule = ReportSchedule.objects.get(key="collector-finance-monthly")
    assert (schedule.kind, schedule.minute, schedule.hour, schedule.day_of_month) == (
        "collector_finance",
        "0",
        "6",
        "1",
    )
    assert ReportSchedule.objects.get(key="compliance-monthly").kind == "compliance_monthly"


def test_finance_reads_every_branch_branch_managers_their_own_others_nothing(client, money_world):
    result = _run("collector_finance")
    url = reverse("reporting:result", args=[result.pk])
    names = {
        money_world[n].pk: money_world[n].staff_profile.display_name
        for n in money_world
        if n in ("a1", "a2", "b1")
    }

    def shown(user):
        client.force_login(user)
        response = client.get(url)
        if response.status_code != 200:
            return response.status_code
        return {row["cells"][0] for row in response.context["table"]}

    finance_a = make_staff(roles.FINANCE, branch=money_world["branch_a"])
    assert shown(finance_a) == set(names.values())
    manager_a = make_staff(roles.BRANCH_MANAGER, branch=money_world["branch_a"])
    assert shown(manager_a) == {names[money_world["a1"].pk], names[money_world["a2"].pk]}
    assert shown(money_world["supervisor_a"]) == 404
    assert shown(money_world["a1"]) == 404
    # Not listed for those who do not read it either.
    client.force_login(money_world["supervisor_a"])
    assert (
        f'data-result="{result.pk}"' not in client.get(reverse("reporting:index")).content.decode()
    )


@pytest.fixture
def compliance_world(money_world):
    """October: a1 — 2 refusals (one Oct 31 23:30 company time, inside), 1 override,
    1 confirmed violation, reviews scored 40 and 85 (threshold 60: one below); one refusal
    on Nov 1 00:10 (outside). b1 — 1 refusal."""
    a1, b1 = money_world["a1"], money_world["b1"]
    supervisor_a = money_world["supervisor_a"]
    case_a, case_b = money_world["case_a"], money_world["case_b"]
    for who, case, moment in (
        (a1, case_a, shanghai(dt.date(2026, 10, 3), 9)),
        (a1, case_a, shanghai(dt.date(2026, 10, 31), 23, 30)),
        (a1, case_a, shanghai(dt.date(2026, 11, 1), 0, 10)),
        (b1, case_b, shanghai(dt.date(2026, 10, 8), 9)),
    ):
        ComplianceRefusal.objects.create(
            case=case,
            collector=who,
            channel="call",
            refused_at=moment,
            rules=["window"],
            message="x",
        )
    ComplianceOverride.objects.create(
        case=case_a,
        collector=a1,
        rules=["window"],
        reason="Debtor asked for a late call",
        granted_by=supervisor_a,
        granted_at=shanghai(dt.date(2026, 10, 4), 21),
        valid_until=shanghai(dt.date(2026, 10, 4), 23),
    )
    first = call(case_a, a1, shanghai(dt.date(2026, 10, 6), 10), conversation=True)
    second = call(case_a, a1, shanghai(dt.date(2026, 10, 7), 10), conversation=False)
    violation = ComplianceViolation.objects.create(
        case=case_a,
        collector=a1,
        call=first,
        rule="abusive_language",
        occurred_at=first.started_at,
        description="Raised voice",
        confirmed_by=supervisor_a,
        confirmed_at=shanghai(dt.date(2026, 10, 9), 10),
    )
    for the_call, score, day in ((first, 40, 8), (second, 85, 9)):
        CallQualityReview.objects.create(
            call=the_call,
            collector=a1,
            case=case_a,
            reviewer=supervisor_a,
            score=score,
            reviewed_at=shanghai(dt.date(2026, 10, day), 15),
            confirmed_violation=violation if score < 60 else None,
        )
    return money_world


def test_compliance_report_totals_equal_the_hand_computed_figures(compliance_world):
    result = _run("compliance_monthly")
    rows = {row["collector_id"]: row for row in result.rows}
    a1, b1 = rows[compliance_world["a1"].pk], rows[compliance_world["b1"].pk]
    figures = ("calls", "refusals", "overrides", "violations", "quality_reviews", "quality_low")
    assert tuple(a1[key] for key in figures) == (2, 2, 1, 1, 2, 1)
    assert tuple(b1[key] for key in figures) == (0, 1, 0, 0, 0, 0)
    teams = _run("compliance_team_monthly").rows
    team_a = next(row for row in teams if row["branch_id"] == compliance_world["branch_a"].pk)
    assert (team_a["collectors"], team_a["refusals"], team_a["quality_low"]) == (2, 2, 1)
    assert team_a["team_id"] == compliance_world["a1"].staff_profile.department_id


def test_compliance_report_readers(client, compliance_world):
    url = reverse("reporting:view") + "?kind=compliance_monthly&preset=custom"
    url += "&period_start=2026-10-01&period_end=2026-10-31"
    client.force_login(compliance_world["supervisor_a"])
    response = client.get(url)
    assert response.status_code == 200
    shown = {row["cells"][0] for row in response.context["table"]}
    assert compliance_world["a1"].staff_profile.display_name in shown
    assert compliance_world["b1"].staff_profile.display_name not in shown
    client.force_login(make_staff(roles.SUPERVISOR, branch=hq_branch()))
    shown = {row["cells"][0] for row in client.get(url).context["table"]}
    assert compliance_world["b1"].staff_profile.display_name in shown
    for role in (roles.FINANCE, roles.PHONE_COLLECTOR):
        client.force_login(make_staff(role, branch=compliance_world["branch_a"]))
        assert client.get(url).status_code == 404


def test_every_export_escapes_formulas(client, money_world):
    """The stored files, the chosen-period page, the team and collector drill-downs."""
    from staff.models import Department

    Department.objects.filter(pk=money_world["a1"].staff_profile.department_id).update(
        name="=HYPERLINK(1)"
    )
    case = money_world["case_a"]
    case.bank.name = "+SUM(A1)"
    case.bank.save()
    Case.objects.filter(pk=case.pk).update(account_no="-2+3")
    result = _run("collector_finance")
    stored_csv = result.csv_file.read().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in stored_csv
    stored = load_workbook(io.BytesIO(result.xlsx_file.read())).active
    assert "'=HYPERLINK(1)" in [cell.value for row in stored.iter_rows() for cell in row]

    finance = make_staff(roles.FINANCE, branch=hq_branch())
    supervisor = money_world["supervisor_a"]
    period = "&preset=custom&period_start=2026-10-01&period_end=2026-10-31"
    team_pk = money_world["a1"].staff_profile.department_id
    pages = [
        (finance, reverse("reporting:view") + "?kind=collector_finance" + period, "'=HYPERLINK"),
        (finance, reverse("reporting:result", args=[result.pk]) + "?x=1", "'=HYPERLINK"),
        (
            supervisor,
            reverse("reporting:team", args=[team_pk]) + "?kind=collector_weekly" + period,
            "'=HYPERLINK",
        ),
        (
            supervisor,
            reverse("reporting:collector", args=[money_world["a1"].pk]) + "?x=1" + period,
            "'+SUM(A1)",
        ),
        (
            supervisor,
            reverse("reporting:collector", args=[money_world["a1"].pk]) + "?x=1" + period,
            "'-2+3",
        ),
    ]
    for user, url, expected in pages:
        client.force_login(user)
        csv_text = b"".join(client.get(url + "&export=csv").streaming_content).decode("utf-8-sig")
        assert expected in csv_text, url
        response = client.get(url + "&export=xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        assert any(isinstance(v, str) and v.startswith(expected) for v in values), url
        assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)


def test_a_violation_confirmed_later_marks_its_day_and_the_refresh_counts_it(
    money_world, django_capture_on_commit_callbacks
):
    from reporting import rollups
    from reporting.models import DailyCollectorFigures, RollupDirtyDay

    a1, case = money_world["a1"], money_world["case_a"]
    day = dt.date(2026, 10, 12)
    rollups.compute_day(day)
    # No violation that day yet (a1 has a row all the same: the cases they held).
    assert not DailyCollectorFigures.objects.filter(
        collector=a1, day=day, violations__gt=0
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        ComplianceViolation.objects.create(
            case=case,
            collector=a1,
            rule="contact_window",
            occurred_at=shanghai(day, 22, 30),
            description="Called after 22:00",
            confirmed_by=money_world["supervisor_a"],
            confirmed_at=shanghai(dt.date(2026, 11, 3), 10),
        )
    assert RollupDirtyDay.objects.filter(day=day).exists()
    rollups.refresh()
    row = DailyCollectorFigures.objects.get(collector=a1, day=day)
    assert (row.violations, row.calls, row.commission) == (1, 0, Decimal("0.00"))


def test_compliance_by_team_drills_into_the_teams_collectors(client, compliance_world):
    from reporting import rollups

    rollups.compute_days(*OCTOBER)
    period = "&preset=custom&period_start=2026-10-01&period_end=2026-10-31"
    client.force_login(compliance_world["supervisor_a"])
    teams = client.get(reverse("reporting:view") + "?kind=compliance_team_monthly" + period)
    (team,) = teams.context["table"]
    assert "kind=compliance_monthly" in team["link"]
    page = client.get(team["link"])
    assert page.status_code == 200
    columns = [column.key for column in page.context["columns"]]
    rows = {row["cells"][0]: row["cells"] for row in page.context["table"]}
    a1 = rows[compliance_world["a1"].staff_profile.display_name]
    assert (a1[columns.index("refusals")], a1[columns.index("quality_low")]) == (2, 1)
    assert compliance_world["b1"].staff_profile.display_name not in rows
