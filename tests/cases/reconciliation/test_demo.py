"""`seed_demo`'s reconciliations: a published statement and a draft, each with every kind
of line; a second run adds nothing."""

from __future__ import annotations

import pytest

from cases import demo, demo_money, demo_statements, demo_work
from cases.models import Statement
from staff import demo as staff_demo
from tests.cases.workflow.calls.conftest import workflow_defaults  # noqa: F401 - fixture
from tests.cases.workflow.money.conftest import at_today, clock  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(settings, monkeypatch, workflow_defaults, at_today):  # noqa: F811
    settings.DJANGO_ENV = "test"
    monkeypatch.setattr(demo, "BANKS", [{**spec, "rows": 160} for spec in demo.BANKS])
    staff_demo.seed()
    demo.seed()
    demo_work.seed()
    demo_money.seed()


def test_the_demo_has_a_published_and_a_draft_statement_with_every_kind_of_line(small_demo):
    summary = demo_statements.seed()
    published = Statement.objects.get(pk=summary["published"])
    draft = Statement.objects.get(pk=summary["draft"])
    assert (published.status, draft.status) == ("published", "draft")
    for statement in (published, draft):
        kinds = set(statement.lines.values_list("kind", flat=True))
        reasons = set(statement.lines.values_list("reason", flat=True))
        assert kinds == {"matched", "amount_difference", "agency_only", "bank_only"}
        assert {"same_day", "within_tolerance", "account_not_placed"} <= reasons
    assert published.commission_total > 0
    assert demo_statements.seed() == {}
    assert Statement.objects.count() == 2
