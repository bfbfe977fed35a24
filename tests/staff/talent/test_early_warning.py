"""The early-warning signals, each on and off at its threshold, and who sees the list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from staff.models import StaffProfile, TrainingEnrolment, TrainingPlan, WarningThreshold
from staff.succession import signals
from staff.succession.selectors import early_warning_list
from staff.succession.signals import OFF, ON, UNAVAILABLE, read_signals

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


def reading(profile, key, today=TODAY):
    (row,) = read_signals([profile], today=today)
    return {signal.key: value for signal, value in row.readings}[key]


def hired(profile: StaffProfile, days_ago: int) -> StaffProfile:
    profile.hire_date = TODAY - dt.timedelta(days=days_ago)
    profile.save()
    return profile


def test_the_thresholds_are_data_seeded_by_the_migration(db):
    # Run the migration's function again: a transactional test earlier in the run flushes
    # the tables, and the function is idempotent (it never overwrites HR's values).
    import importlib

    from django.apps import apps

    importlib.import_module("staff.migrations.0012_talent_defaults").seed(apps, None)
    assert dict(WarningThreshold.objects.values_list("signal", "threshold")) == {
        "attendance_falling": Decimal("4"),
        "leave_pattern": Decimal("3"),
        "performance_falling": Decimal("30"),
        "low_assessment": Decimal("60"),
        "tenure_short": Decimal("90"),
        "no_training": Decimal("365"),
    }


def test_short_tenure_is_on_under_the_threshold_and_off_at_it(org):
    profile = org.collector.staff_profile
    on = reading(hired(profile, 89), "tenure_short")
    assert on.status == ON and "89 days ago: under 90 days" in on.explanation
    assert reading(hired(profile, 90), "tenure_short").status == OFF


def test_the_tenure_threshold_follows_the_data(org):
    WarningThreshold.objects.update_or_create(
        signal="tenure_short", defaults={"threshold": 30, "window_days": 0}
    )
    assert reading(hired(org.collector.staff_profile, 45), "tenure_short").status == OFF


def _completed(org, profile, on: dt.date):
    plan = TrainingPlan.objects.create(
        branch=org.branch,
        title="Law update",
        goal="g",
        content="c",
        method="classroom",
        trainer="t",
        starts_on=on,
        ends_on=on,
        status=TrainingPlan.Status.APPROVED,
        created_by=org.hr,
    )
    TrainingEnrolment.objects.create(
        plan=plan, profile=profile, status="completed", completed_on=on
    )


def test_no_training_in_a_year_is_on_past_the_threshold_and_off_at_it(org):
    profile = hired(org.collector.staff_profile, 800)
    _completed(org, profile, TODAY - dt.timedelta(days=366))
    on = reading(profile, "no_training")
    assert on.status == ON and "366 days ago: more than 365" in on.explanation
    _completed(org, profile, TODAY - dt.timedelta(days=365))
    assert reading(profile, "no_training").status == OFF


def test_no_training_ever_counts_only_after_a_year_of_service(org):
    profile = org.collector.staff_profile
    assert reading(hired(profile, 365), "no_training").status == OFF
    assert reading(hired(profile, 366), "no_training").status == ON


@pytest.mark.parametrize("key", ["attendance_falling", "low_assessment"])
def test_no_records_in_the_window_is_not_available_never_off(org, key):
    value = reading(org.collector.staff_profile, key)
    assert value.status == UNAVAILABLE and "No " in value.explanation


def test_performance_is_not_available_without_the_figures_function(org, settings):
    settings.PERFORMANCE_FIGURES_FUNCTION = ""
    assert reading(org.collector.staff_profile, "performance_falling").status == UNAVAILABLE


class _Figures:
    def __init__(self, amount):
        self.amount_collected = amount


def _figures_by_window(amounts):
    """A fake figures function: the newest window first, then the three before it."""

    def figures(*, user_ids, start, end):
        index = (TODAY - end).days // 30
        return {user_id: _Figures(amounts[index]) for user_id in user_ids}

    return figures


@pytest.mark.parametrize(("recent", "status"), [(Decimal("700"), ON), (Decimal("701"), OFF)])
def test_performance_falling_against_own_trend_at_the_threshold(
    org, settings, monkeypatch, recent, status
):
    import tests.staff.talent.test_early_warning as here

    monkeypatch.setattr(
        here, "fake_figures", _figures_by_window([recent, 1000, 1000, 1000]), raising=False
    )
    settings.PERFORMANCE_FIGURES_FUNCTION = "tests.staff.talent.test_early_warning.fake_figures"
    value = reading(org.collector.staff_profile, "performance_falling")
    assert value.status == status, value.explanation


def test_a_figure_that_is_none_is_not_available_not_zero(org, settings, monkeypatch):
    import tests.staff.talent.test_early_warning as here

    monkeypatch.setattr(
        here, "fake_figures", _figures_by_window([None, 1000, 1000, 1000]), raising=False
    )
    settings.PERFORMANCE_FIGURES_FUNCTION = "tests.staff.talent.test_early_warning.fake_figures"
    assert reading(org.collector.staff_profile, "performance_falling").status == UNAVAILABLE


def test_a_disabled_signal_is_not_read(org):
    WarningThreshold.objects.update_or_create(
        signal="tenure_short", defaults={"threshold": 90, "window_days": 0, "enabled": False}
    )
    (row,) = read_signals([org.collector.staff_profile], today=TODAY)
    assert "tenure_short" not in {signal.key for signal, _reading in row.readings}


def test_another_area_fills_in_its_signal_through_the_registry(org, monkeypatch):
    original = signals.SIGNALS["attendance_falling"].reader
    monkeypatch.setattr(signals.SIGNALS["attendance_falling"], "reader", original)

    @signals.signal_source("attendance_falling")
    def _late(profiles, setting, today):
        return {p.pk: signals.Reading(ON, "late 5 times") for p in profiles}

    assert reading(org.collector.staff_profile, "attendance_falling").explanation == "late 5 times"


def test_the_list_shows_the_team_flagged_never_oneself_or_another_branch(org):
    hired(org.collector.staff_profile, 10)
    hired(org.other_collector.staff_profile, 10)
    hired(org.supervisor.staff_profile, 10)
    hired(org.colleague.staff_profile, 200)
    supervisor_list = [
        row.profile.user for row in early_warning_list(user=org.supervisor, today=TODAY)
    ]
    assert supervisor_list == [org.collector]
    hr_list = {row.profile.user for row in early_warning_list(user=org.hr, today=TODAY)}
    assert org.supervisor in hr_list and org.collector in hr_list
    assert org.other_collector not in hr_list and org.hr not in hr_list
    assert early_warning_list(user=org.collector, today=TODAY) == []
