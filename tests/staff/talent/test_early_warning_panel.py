"""The dashboard's early-warning panel reads the nightly reading (EarlyWarningFlag): the
reading flags exactly the people the live list flags, is safe to run twice, and the
panel takes the same few queries however many people are flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collections_office.workdays import company_today
from staff import roles
from staff.models import EarlyWarningFlag, Position, StaffProfile
from staff.succession import panels
from staff.succession.nightly import early_warning_flags_refresh
from staff.succession.selectors import early_warning_list
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def _new_collector(org, n):
    return make_staff(
        roles.PHONE_COLLECTOR,
        branch=org.branch,
        username=f"new.{n}",
        position=Position.JUNIOR_COLLECTOR,
        department=org.collections,
        hire_date=company_today() - dt.timedelta(days=3),
    )


def test_the_nightly_reading_flags_whom_the_live_list_flags(org):
    _new_collector(org, 1)
    today = company_today()
    assert early_warning_flags_refresh(today=today) == early_warning_flags_refresh(today=today)
    live = {row.profile.pk for row in early_warning_list(user=org.hq_hr, today=today)}
    stored = set(EarlyWarningFlag.objects.values_list("profile_id", flat=True))
    assert stored and live <= stored  # HQ HR reads everyone but themself
    flag = EarlyWarningFlag.objects.get(profile__user__username="new.1")
    assert "tenure_short" in flag.signals and flag.signals_on == len(flag.signals)


def test_the_panel_shows_the_supervisors_team_only(org):
    mine = _new_collector(org, 1)
    early_warning_flags_refresh()
    panel = panels._talent(org.supervisor)
    assert mine.staff_profile.display_name in {row["name"] for row in panel["flagged"]}
    names = {row["name"] for row in panel["flagged"]}
    assert org.other_collector.staff_profile.display_name not in names
    assert panels._talent(org.collector) is None


def test_the_panel_takes_the_same_queries_however_many_are_flagged(org):
    _new_collector(org, 0)
    early_warning_flags_refresh()
    panels._talent(org.manager)  # the user's roles, read once a request

    def count():
        with CaptureQueriesContext(connection) as captured:
            panels._talent(org.manager)
        return len(captured)

    first = count()
    for n in range(1, 8):
        _new_collector(org, n)
    early_warning_flags_refresh()
    assert count() == first <= 6
    assert panels._talent(org.manager)["flagged_count"] >= 8


def test_a_person_who_left_drops_off_the_panel(org):
    leaver = _new_collector(org, 1)
    early_warning_flags_refresh()
    StaffProfile.objects.filter(pk=leaver.staff_profile.pk).update(
        status=StaffProfile.Status.LEFT, left_on=company_today()
    )
    names = {row["name"] for row in panels._talent(org.manager)["flagged"]}
    assert leaver.staff_profile.display_name not in names
