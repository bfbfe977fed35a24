"""The compliance figures of a collector in a period (what promotion reviews will read)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from cases.models import Party
from cases.selectors.compliance import compliance_summary, overrides_granted

from .conftest import make_call, make_override, make_refusal, make_violation

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def test_summary_counts_each_kind_per_rule_inside_the_period(
    case, collector, supervisor, hq_supervisor
):
    make_call(case, collector, at=at(3, 10))
    make_call(case, collector, at=at(3, 11), outcome="contacted", party=Party.DEBTOR)
    make_call(case, collector, at=at(4, 9), outcome="contacted", party=Party.RELATIVE)
    make_refusal(case, collector, at=at(3, 22, 14), rules=["contact_window"])
    make_refusal(
        case,
        collector,
        at=at(5, 12),
        rules=["unanswered_per_number_per_day", "contact_window"],
    )
    make_override(case, collector, supervisor, at=at(3, 22, 15))
    used = make_override(
        case, collector, hq_supervisor, at=at(5, 12, 1), rules=["unanswered_per_number_per_day"]
    )
    type(used).objects.filter(pk=used.pk).update(used_at=at(5, 12, 5))
    make_violation(case, collector, supervisor, at=at(6, 23), rule="contact_window")
    make_violation(case, collector, supervisor, at=at(7, 10), rule="other")

    summary = compliance_summary(
        collector=collector, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )

    assert summary["attempts"] == 3
    assert summary["conversations"] == 1  # a relative is not a conversation with the debtor
    assert summary["refusals"] == {
        "total": 2,
        "by_rule": {"contact_window": 2, "unanswered_per_number_per_day": 1},
    }
    assert summary["overrides"]["total"] == 2
    assert summary["overrides"]["used"] == 1
    assert summary["overrides"]["by_rule"] == {
        "contact_window": 1,
        "unanswered_per_number_per_day": 1,
    }
    assert summary["overrides"]["by_granter"] == {supervisor.pk: 1, hq_supervisor.pk: 1}
    assert summary["violations"] == {"total": 2, "by_rule": {"contact_window": 1, "other": 1}}


def test_period_boundaries_are_whole_days_in_company_time(case, collector, supervisor):
    # 2026-11-01 00:00 Shanghai is 2026-10-31 16:00 UTC: in November, in company time.
    make_refusal(case, collector, at=at(1, 0, 0))
    make_call(case, collector, at=at(1, 0, 0))
    # 2026-10-31 23:59 Shanghai: October.
    make_refusal(case, collector, at=at(31, 23, 59, month=10))
    make_call(case, collector, at=at(31, 23, 59, month=10))
    # The last minute of the 30th is in; midnight after it is December.
    make_violation(case, collector, supervisor, at=at(30, 23, 59))
    make_violation(case, collector, supervisor, at=dt.datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI))

    november = compliance_summary(
        collector=collector, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )
    assert november["refusals"]["total"] == 1
    assert november["attempts"] == 1
    assert november["violations"]["total"] == 1


def test_summary_is_about_one_collector_only(case, collector, other_collector, supervisor):
    make_refusal(case, other_collector, at=at(3, 23))
    make_call(case, other_collector, at=at(3, 10))
    summary = compliance_summary(
        collector=collector.pk, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )
    assert summary["refusals"]["total"] == 0
    assert summary["attempts"] == 0


def test_overrides_granted_are_scoped_to_the_viewer(
    case, case_b, collector, supervisor, other_supervisor
):
    make_override(case, collector, supervisor, at=at(3, 10))
    make_override(case_b, case_b.assigned_to, other_supervisor, at=at(3, 10))
    day = dt.date(2026, 11, 3)
    assert list(
        overrides_granted(user=supervisor, start=day, end=day).values_list("case_id", flat=True)
    ) == [case.pk]
    assert overrides_granted(user=collector, start=day, end=day).count() == 0
    assert (
        overrides_granted(
            user=supervisor, start=dt.date(2026, 11, 4), end=dt.date(2026, 11, 4)
        ).count()
        == 0
    )


def test_promotion_reviews_find_the_summary_through_the_setting(settings, collector):
    from django.utils.module_loading import import_string

    summary = import_string(settings.COMPLIANCE_SUMMARY_FUNCTION)
    assert summary is compliance_summary
    assert summary(collector=collector, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))[
        "violations"
    ] == {"total": 0, "by_rule": {}}
