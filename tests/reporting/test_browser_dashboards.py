"""In a real browser: the collector's "My week so far" chart prints its numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from collections_office.workdays import local_date
from reporting.models import DailyCollectorFigures
from staff import roles
from tests.cases.pages.test_browser_dashboard_chart import RECORD_CANVAS_TEXT
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_week_chart_prints_the_amount_so_far(page, staff_user, branch_a):
    me = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="chart.collector")
    today = local_date(timezone.now())
    monday = today - dt.timedelta(days=today.weekday())
    DailyCollectorFigures.objects.create(
        collector=me,
        branch=branch_a,
        day=monday,
        calls=3,
        amount_confirmed="1234.50",
        computed_at=timezone.now(),
    )

    page.add_init_script(RECORD_CANVAS_TEXT)
    browser_login(page, "chart.collector")
    page.goto("/")
    page.wait_for_selector("#panel-my-week canvas")
    page.wait_for_function("window.__canvasTexts.length > 0")
    texts = page.evaluate("window.__canvasTexts")
    assert any(text.replace(",", "") == "1234.5" for text in texts), texts
