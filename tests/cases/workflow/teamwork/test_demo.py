"""`seed_demo`'s team work: a weekly report to review, a campaign and two quality reviews
per branch, once."""

from __future__ import annotations

import pytest

from cases import demo, demo_teamwork, demo_work
from cases.models import CallQualityReview, Campaign, WeeklyReport
from staff import demo as staff_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(settings, monkeypatch):
    settings.DJANGO_ENV = "test"
    monkeypatch.setattr(demo, "BANKS", [{**spec, "rows": 160} for spec in demo.BANKS])
    staff_demo.seed()
    demo.seed()
    demo_work.seed()


def test_the_demo_has_reports_to_review_a_campaign_and_reviews_and_a_rerun_adds_nothing(
    small_demo,
):
    first = demo_teamwork.seed()
    assert first["reports"] >= 1 and first["campaigns"] >= 1 and first["reviews"] >= 2
    report = WeeklyReport.objects.first()
    assert report.status == WeeklyReport.Status.SUBMITTED
    assert report.figures["calls"] > 0
    campaign = Campaign.objects.first()
    assert campaign.cases.count() == 10
    scores = sorted(CallQualityReview.objects.values_list("score", flat=True))
    assert scores[0] == 25 and scores[-1] == 100
    assert demo_teamwork.seed() == {"reports": 0, "campaigns": 0, "reviews": 0}
