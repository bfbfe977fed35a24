"""Overtime: in advance, approved, hours recorded by the person, confirmed; totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from staff.attendance.overtime import (
    overtime_apply,
    overtime_confirm,
    overtime_decided,
    overtime_monthly_totals,
    overtime_record,
)
from staff.models import OvertimeRequest

from .conftest import local

pytestmark = pytest.mark.django_db


def test_overtime_is_asked_for_in_advance(team, time_machine):
    time_machine.move_to(local(2025, 3, 12, 9))
    with pytest.raises(ValidationError) as refused:
        overtime_apply(
            user=team.collector,
            work_date=dt.date(2025, 3, 11),
            expected_hours=Decimal("2"),
            reason="x",
        )
    assert "work_date" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        overtime_apply(
            user=team.collector,
            work_date=dt.date(2025, 3, 12),
            expected_hours=Decimal("13"),
            reason="x",
        )
    assert "expected_hours" in refused.value.error_dict
    assert not OvertimeRequest.objects.exists()


def test_recording_overtime_that_was_not_approved_is_refused(team, time_machine):
    time_machine.move_to(local(2025, 3, 12, 9))
    overtime = overtime_apply(
        user=team.collector,
        work_date=dt.date(2025, 3, 12),
        expected_hours=Decimal("2"),
        reason="month end",
    )
    time_machine.move_to(local(2025, 3, 12, 21))
    with pytest.raises(ValidationError) as refused:
        overtime_record(overtime=overtime, actor=team.collector, actual_hours=Decimal("2"))
    assert "Only approved overtime" in str(refused.value.error_dict["actual_hours"])
    overtime_decided(overtime=overtime, approved=False, decider=team.supervisor)
    with pytest.raises(ValidationError, match="Rejected"):
        overtime_record(overtime=overtime, actor=team.collector, actual_hours=Decimal("2"))
    overtime.refresh_from_db()
    assert overtime.actual_hours is None


def test_the_chain_to_confirmed_hours_and_the_monthly_totals(team, time_machine):
    time_machine.move_to(local(2025, 3, 12, 9))
    overtime = overtime_apply(
        user=team.collector,
        work_date=dt.date(2025, 3, 12),
        expected_hours=Decimal("2"),
        reason="month end",
    )
    with pytest.raises(ValidationError, match="own overtime"):
        overtime_decided(overtime=overtime, approved=True, decider=team.collector)
    overtime_decided(overtime=overtime, approved=True, decider=team.supervisor)
    time_machine.move_to(local(2025, 3, 12, 21))
    with pytest.raises(ValidationError, match="Only the person who worked"):
        overtime_record(overtime=overtime, actor=team.supervisor, actual_hours=Decimal("2"))
    overtime_record(
        overtime=overtime, actor=team.collector, actual_hours=Decimal("2.5"), work_done="calls"
    )
    with pytest.raises(ValidationError, match="own overtime"):
        overtime_confirm(overtime=overtime, actor=team.collector)
    with pytest.raises(ValidationError, match="manager or HR"):
        overtime_confirm(overtime=overtime, actor=team.foreign_supervisor)
    overtime_confirm(overtime=overtime, actor=team.supervisor)
    rows = list(overtime_monthly_totals(OvertimeRequest.objects.all(), month=dt.date(2025, 3, 1)))
    assert [(row["user_id"], row["hours"], row["sessions"]) for row in rows] == [
        (team.collector.pk, Decimal("2.5"), 1)
    ]
    assert overtime.history.count() == 4
