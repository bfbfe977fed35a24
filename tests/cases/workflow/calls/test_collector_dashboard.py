"""The collector's dashboard: today's figures and what is due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import ComplianceRefusal
from cases.services.calls import call_log
from tests.landing import landing_html, panel_html

from .conftest import assigned_case, shanghai, wav_upload

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_collectors_day(
    client, clock, agreement_a, collector_a, collector_a2, outcome, django_assert_max_num_queries
):
    clock(shanghai(2026, 3, 10, 15, 0))
    now = timezone.now()
    worked = assigned_case(agreement_a, collector_a, first_action_at=now - dt.timedelta(days=1))
    for minutes, code in ((30, "no_answer"), (20, "contacted")):
        call_log(
            case=worked,
            actor=collector_a,
            contact_point=worked.debtor.contact_points.first(),
            party="debtor",
            started_at=now - dt.timedelta(minutes=minutes),
            duration_seconds=5,
            outcome=outcome(code),
            recording=wav_upload(),
        )
    assigned_case(agreement_a, collector_a, next_callback_at=now - dt.timedelta(minutes=1))
    late = assigned_case(agreement_a, collector_a, assigned_at=now - dt.timedelta(hours=3))
    assigned_case(agreement_a, collector_a2)  # someone else's
    ComplianceRefusal.objects.create(
        case=worked,
        collector=collector_a,
        channel="call",
        refused_at=now,
        rules=["hold"],
        message="on hold",
    )
    client.force_login(collector_a)
    # The panel as the page asks for it (each panel has its own URL): a fixed number of
    # queries whatever the rows, with the request's own (session, user, roles).
    with django_assert_max_num_queries(12):
        panel_html(client, "collector-day")
    html = landing_html(client)
    assert 'data-testid="calls-today">2<' in html
    assert 'data-testid="conversations-today">1<' in html
    assert 'data-testid="callbacks-due">1<' in html
    assert 'data-testid="new-assignments">2<' in html  # the callback case is untouched too
    assert 'data-testid="refusals-today">1<' in html
    assert late.account_no in html and "late by" in html
