"""Call quality reviews: weighted scores, the checklist's weights, one review per call,
marks on the scale, and a low score confirmed as a compliance violation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import CallQualityReview, ComplianceViolation, QualityChecklistItem
from cases.services import quality as services

from .conftest import assigned_case, completed_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_a(agreement_a, collector_a):
    return completed_call(assigned_case(agreement_a, collector_a), collector_a)


def marks(default=4, **overrides):
    values = {item.code: default for item in services.active_items()}
    values.update(overrides)
    return values


def test_the_default_checklist_weights_add_up_to_100(db):
    items = list(services.active_items())
    assert len(items) == 6
    assert sum(item.weight for item in items) == 100


def test_a_review_scores_the_weighted_marks(call_a, supervisor_a):
    review = services.call_quality_review(
        call=call_a,
        actor=supervisor_a,
        marks=marks(no_threats_or_abuse=0, accurate_amounts=2),  # weights 25 and 10
    )
    assert review.score == 100 - 25 - 5
    assert review.collector == call_a.collector
    assert review.marks.count() == 6
    assert review.history.count() == 1


def test_reviewing_a_call_twice_is_refused(call_a, supervisor_a):
    services.call_quality_review(call=call_a, actor=supervisor_a, marks=marks())
    with pytest.raises(ValidationError) as error:
        services.call_quality_review(call=call_a, actor=supervisor_a, marks=marks(0))
    assert "already been reviewed" in str(error.value)
    assert CallQualityReview.objects.get().score == 100


@pytest.mark.parametrize("bad", [5, -1, "x", "", None])
def test_a_mark_outside_the_scale_is_refused_on_its_item(call_a, supervisor_a, bad):
    with pytest.raises(ValidationError) as error:
        services.call_quality_review(
            call=call_a, actor=supervisor_a, marks=marks(verified_party=bad)
        )
    assert list(error.value.message_dict) == ["item_verified_party"]
    assert not CallQualityReview.objects.exists()


def test_only_a_supervisor_of_the_branch_reviews(call_a, supervisor_b, collector_a2):
    with pytest.raises(PermissionDenied):
        services.call_quality_review(call=call_a, actor=supervisor_b, marks=marks())
    with pytest.raises(PermissionDenied):
        services.call_quality_review(call=call_a, actor=collector_a2, marks=marks())


def test_checklist_weights_not_adding_up_are_refused_and_nothing_is_saved(supervisor_a):
    rows = [
        {"pk": item.pk, "label": item.label, "weight": item.weight, "is_active": True}
        for item in services.active_items()
    ]
    rows[0]["weight"] = rows[0]["weight"] + 5
    rows[1]["label"] = "Changed label"
    with pytest.raises(ValidationError) as error:
        services.quality_checklist_update(actor=supervisor_a, rows=rows)
    assert "weights" in error.value.message_dict
    assert "105" in error.value.message_dict["weights"][0]
    assert not QualityChecklistItem.objects.filter(label="Changed label").exists()


def test_the_checklist_can_be_reweighted_and_extended(supervisor_a):
    rows = [
        {"pk": item.pk, "label": item.label, "weight": item.weight, "is_active": True}
        for item in services.active_items()
    ]
    rows[0]["weight"] -= 5
    rows.append({"pk": None, "label": "Offered a payment plan", "weight": 5, "is_active": True})
    services.quality_checklist_update(actor=supervisor_a, rows=rows)
    assert services.active_items().count() == 7
    assert sum(item.weight for item in services.active_items()) == 100


def test_a_weight_outside_0_to_100_is_refused_on_its_row(supervisor_a):
    rows = [
        {"pk": item.pk, "label": item.label, "weight": 101, "is_active": True}
        for item in services.active_items()
    ]
    with pytest.raises(ValidationError) as error:
        services.quality_checklist_update(actor=supervisor_a, rows=rows)
    assert "weight_0" in error.value.message_dict


def test_a_low_score_is_confirmed_as_a_violation_once(call_a, supervisor_a):
    review = services.call_quality_review(call=call_a, actor=supervisor_a, marks=marks(1))
    assert review.score == 25
    violation = services.quality_review_confirm_violation(
        review=review, actor=supervisor_a, rule="other", description="Shouted at the debtor."
    )
    assert violation.call == call_a
    assert violation.collector == call_a.collector
    review.refresh_from_db()
    assert review.confirmed_violation == violation
    with pytest.raises(ValidationError):
        services.quality_review_confirm_violation(
            review=review, actor=supervisor_a, rule="other", description="Again."
        )
    assert ComplianceViolation.objects.count() == 1


def test_a_good_score_cannot_be_made_a_violation(call_a, supervisor_a):
    review = services.call_quality_review(call=call_a, actor=supervisor_a, marks=marks())
    with pytest.raises(ValidationError):
        services.quality_review_confirm_violation(
            review=review, actor=supervisor_a, rule="other", description="No."
        )
    assert not ComplianceViolation.objects.exists()


def test_a_violation_without_a_description_is_refused_and_the_review_stays(call_a, supervisor_a):
    review = services.call_quality_review(call=call_a, actor=supervisor_a, marks=marks(0))
    with pytest.raises(ValidationError) as error:
        services.quality_review_confirm_violation(
            review=review, actor=supervisor_a, rule="other", description=" "
        )
    assert "description" in error.value.message_dict
    review.refresh_from_db()
    assert review.confirmed_violation is None
