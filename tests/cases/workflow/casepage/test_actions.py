"""Case page actions: add a number, mark one invalid, classify, place and lift holds.

Who may: the assigned collector and the branch's supervisors; lifting a hold: only a
supervisor. Another's case is a 404 on every route, the front desk gets a 403, bad
input a message on the field and no write.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import Case, CaseHold, ContactPoint
from cases.services.casepage import case_hold_place
from collections_office.personal_data import mask_phone
from tests.cases.api.builders import make_case, make_debtor

pytestmark = pytest.mark.django_db


def routes(case, point_pk=None, hold_pk=None):
    point_pk = point_pk or case.debtor.contact_points.first().pk
    hold_pk = hold_pk or 999999
    return [
        ("get", f"/cases/{case.pk}/", {}),
        ("get", f"/cases/{case.pk}/timeline/", {"page": "2"}),
        ("post", f"/cases/{case.pk}/reveal/", {}),
        ("post", f"/cases/{case.pk}/contact-points/", {"value": "13911112222"}),
        ("post", f"/cases/{case.pk}/contact-points/{point_pk}/invalid/", {"reason": "x"}),
        ("post", f"/cases/{case.pk}/classification/", {"classification": "cash", "reason": "x"}),
        ("post", f"/cases/{case.pk}/holds/", {"kind": "dispute", "reason": "x"}),
        ("post", f"/cases/{case.pk}/holds/{hold_pk}/lift/", {"reason": "x"}),
    ]


def _hold(case, user, kind=CaseHold.Kind.DISPUTE):
    return CaseHold.objects.create(
        case=case, kind=kind, reason="disputed", placed_by=user, placed_at=timezone.now()
    )


def test_another_collectors_case_is_404_on_every_route(as_user, other_collector_a, case):
    hold = _hold(case, other_collector_a)
    client = as_user(other_collector_a)
    for method, url, data in routes(case, hold_pk=hold.pk):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert case.debtor.contact_points.count() == 3
    assert CaseHold.objects.count() == 1


def test_supervisor_of_another_branch_gets_404_on_every_route(as_user, supervisor_b, case):
    hold = _hold(case, supervisor_b)
    client = as_user(supervisor_b)
    for method, url, data in routes(case, hold_pk=hold.pk):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert CaseHold.objects.get().lifted_at is None


def test_front_desk_gets_403_on_every_route(as_user, front_desk_a, case):
    client = as_user(front_desk_a)
    for method, url, data in routes(case):
        assert getattr(client, method)(url, data).status_code == 403, url


def test_a_404_for_another_case_is_logged(as_user, other_collector_a, case, caplog):
    as_user(other_collector_a).get(f"/cases/{case.pk}/")
    assert any(record.message == "scoped lookup missed" for record in caplog.records)


def test_collector_adds_a_relatives_number_normalised(as_user, collector_a, case):
    response = as_user(collector_a).post(
        f"/cases/{case.pk}/contact-points/",
        {
            "value": "139 0000 2222",
            "relation": "relative",
            "contact_name": "sister, Wang Fang",
            "source": "debtor",
        },
    )
    assert response.status_code == 302
    point = case.debtor.contact_points.get(relation="relative")
    assert point.value == "+8613900002222"
    assert point.added_by == collector_a and point.source == ContactPoint.Source.DEBTOR
    assert point.history.get().history_user == collector_a
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.first_action_at is not None
    html = as_user(collector_a).get(f"/cases/{case.pk}/").content.decode()
    shown = mask_phone("+8613900002222")
    assert f"Phone added: {shown} (Relative)" in html and "13900002222" not in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "12345"}, "value", ""),
        ({"value": ""}, "value", "Enter the number"),
        ({"value": "138 1234 5678"}, "value", "already has that number"),
        ({"value": "13900002222", "relation": "colleague"}, "contact_name", "whose number"),
        ({"value": "13900002222", "relation": "boss"}, "relation", ""),
        ({"value": "13900002222", "source": "placement"}, "source", ""),
    ],
)
def test_bad_numbers_are_refused_on_the_field_and_nothing_is_written(
    as_user, collector_a, case, data, field, message
):
    payload = {"relation": "debtor", "source": "debtor", **data}
    response = as_user(collector_a).post(f"/cases/{case.pk}/contact-points/", payload)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-field="{field}"' in html
    assert message in html
    assert case.debtor.contact_points.count() == 3


def test_collector_marks_a_number_invalid_with_a_reason(as_user, collector_a, case):
    point = case.debtor.contact_points.filter(kind="phone").first()
    client = as_user(collector_a)
    response = client.post(
        f"/cases/{case.pk}/contact-points/{point.pk}/invalid/", {"reason": "Wrong number"}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert not point.is_valid and point.invalid_reason == "Wrong number"
    assert point.invalidated_by == collector_a and point.invalidated_at is not None
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Phone marked invalid" in html and "Wrong number" in html


def test_invalidating_needs_a_reason(as_user, collector_a, case):
    point = case.debtor.contact_points.filter(kind="phone").first()
    response = as_user(collector_a).post(
        f"/cases/{case.pk}/contact-points/{point.pk}/invalid/", {"reason": "  "}
    )
    assert response.status_code == 400
    assert "Say why the number is invalid." in response.content.decode()
    point.refresh_from_db()
    assert point.is_valid


def test_a_contact_point_of_another_debtor_is_404(as_user, collector_a, case):
    stranger = make_debtor(id_number="", phones=("+8613700000001",))
    point = stranger.contact_points.get()
    response = as_user(collector_a).post(
        f"/cases/{case.pk}/contact-points/{point.pk}/invalid/", {"reason": "mine now"}
    )
    assert response.status_code == 404
    point.refresh_from_db()
    assert point.is_valid


def test_branch_manager_sees_the_case_but_may_not_change_it(as_user, manager_a, case):
    client = as_user(manager_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="add-number-form"' not in html and 'id="place-hold-form"' not in html
    for method, url, data in routes(case)[3:7]:
        if "reveal" in url:
            continue
        assert getattr(client, method)(url, data).status_code == 403, url
    assert case.debtor.contact_points.count() == 3 and not CaseHold.objects.exists()


def test_classification_with_a_reason_is_history(as_user, collector_a, case):
    client = as_user(collector_a)
    response = client.post(
        f"/cases/{case.pk}/classification/",
        {"classification": "collateral", "reason": "Owns a flat, lost his job"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.classification == Case.Classification.COLLATERAL
    record = case.history.order_by("-history_id").first()
    assert record.history_change_reason == "Owns a flat, lost his job"
    assert record.history_user == collector_a
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Classified: Unable but viable: collateral or guarantee" in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"classification": "cash", "reason": ""}, "reason"),
        ({"classification": "", "reason": "because"}, "classification"),
        ({"classification": "rich", "reason": "because"}, "classification"),
    ],
)
def test_classification_bad_input_is_refused(as_user, collector_a, case, data, field):
    response = as_user(collector_a).post(f"/cases/{case.pk}/classification/", data)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    case.refresh_from_db()
    assert case.classification == "" and case.history.count() == 1


def test_collector_places_a_dispute_hold_and_the_banner_shows(as_user, collector_a, case):
    client = as_user(collector_a)
    response = client.post(
        f"/cases/{case.pk}/holds/", {"kind": "dispute", "reason": "Says the card was stolen"}
    )
    assert response.status_code == 302
    hold = CaseHold.objects.get()
    assert hold.placed_by == collector_a and hold.is_active
    assert hold.history.get().history_user == collector_a
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "No contact: Dispute since" in html
    assert "Hold placed: Dispute" in html  # the timeline
    assert 'id="lift-hold-' not in html  # only supervisors lift


@pytest.mark.parametrize(
    ("data", "field"),
    [({"kind": "dispute", "reason": ""}, "reason"), ({"kind": "", "reason": "x"}, "kind")],
)
def test_hold_needs_a_kind_and_a_reason(as_user, collector_a, case, data, field):
    response = as_user(collector_a).post(f"/cases/{case.pk}/holds/", data)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert not CaseHold.objects.exists()


def test_a_second_active_hold_of_the_same_kind_is_refused_clearly(as_user, collector_a, case):
    _hold(case, collector_a)
    response = as_user(collector_a).post(
        f"/cases/{case.pk}/holds/", {"kind": "dispute", "reason": "again"}
    )
    assert response.status_code == 400
    assert "already on a dispute hold" in response.content.decode()
    assert CaseHold.objects.count() == 1
    # Another kind is fine.
    case_hold_place(case=case, actor=collector_a, kind="cease_contact", reason="asked us to stop")
    assert CaseHold.objects.filter(lifted_at__isnull=True).count() == 2


def test_a_collector_may_not_lift_a_hold(as_user, collector_a, case):
    hold = _hold(case, collector_a)
    response = as_user(collector_a).post(
        f"/cases/{case.pk}/holds/{hold.pk}/lift/", {"reason": "paid"}
    )
    assert response.status_code == 403
    hold.refresh_from_db()
    assert hold.is_active


def test_supervisor_lifts_a_hold_with_a_reason(as_user, collector_a, supervisor_a, case):
    hold = _hold(case, collector_a)
    client = as_user(supervisor_a)
    response = client.post(f"/cases/{case.pk}/holds/{hold.pk}/lift/", {"reason": ""})
    assert response.status_code == 400
    assert "Say why the hold can be lifted." in response.content.decode()
    response = client.post(
        f"/cases/{case.pk}/holds/{hold.pk}/lift/", {"reason": "Bank confirmed the debt"}
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert not hold.is_active and hold.lifted_by == supervisor_a
    assert hold.lift_reason == "Bank confirmed the debt"
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "No contact:" not in html and "Hold lifted: Dispute" in html
    # Lifting twice is refused, not a 500.
    again = client.post(f"/cases/{case.pk}/holds/{hold.pk}/lift/", {"reason": "again"})
    assert again.status_code == 400


def test_a_hold_of_another_case_is_404(as_user, supervisor_a, collector_a, case, agreement_a):
    other = make_case(agreement_a)
    hold = _hold(other, supervisor_a)
    response = as_user(supervisor_a).post(
        f"/cases/{case.pk}/holds/{hold.pk}/lift/", {"reason": "wrong case"}
    )
    assert response.status_code == 404
    hold.refresh_from_db()
    assert hold.is_active


def test_supervisor_works_a_case_of_the_branch(as_user, supervisor_a, case):
    client = as_user(supervisor_a)
    assert (
        client.post(
            f"/cases/{case.pk}/contact-points/",
            {"value": "13900009999", "relation": "debtor", "source": "skip_trace"},
        ).status_code
        == 302
    )
    # A supervisor's action does not start the collector's first-action clock.
    case.refresh_from_db()
    assert case.first_action_at is None


def test_timeline_is_paginated_newest_first_with_an_older_button(
    as_user, supervisor_a, collector_a, case
):
    from datetime import timedelta

    now = timezone.now()
    for index in range(30):
        CaseHold.objects.create(
            case=case,
            kind="dispute",
            reason=f"hold {index:02d}",
            placed_by=collector_a,
            placed_at=now - timedelta(days=30 - index),
            lifted_by=supervisor_a,
            lifted_at=now - timedelta(days=30 - index, hours=-1),
            lift_reason=f"lift {index:02d}",
        )
    client = as_user(supervisor_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    html = html[html.index('id="case-timeline"') :]
    assert html.index("lift 29") < html.index("hold 29") < html.index("lift 28")
    assert 'id="timeline-older"' in html and "hold 10" not in html
    older = client.get(f"/cases/{case.pk}/timeline/", {"page": "2"}, HTTP_HX_REQUEST="true")
    fragment = older.content.decode()
    assert "<html" not in fragment and "hold 15" in fragment and "lift 29" not in fragment
    assert client.get(f"/cases/{case.pk}/timeline/", {"page": "x"}).status_code == 200
    # Without htmx the link opens a page of its own.
    full = client.get(f"/cases/{case.pk}/timeline/", {"page": "2"}).content.decode()
    assert "<html" in full and "hold 15" in full


def test_a_recalled_case_is_read_only_on_its_page(as_user, collector_a, supervisor_a, case):
    hold = _hold(case, collector_a)
    Case.objects.filter(pk=case.pk).update(status="recalled", recalled_at=timezone.now())
    client = as_user(collector_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="add-number-form"' not in html and 'id="place-hold-form"' not in html
    for method, url, data in routes(case)[3:7]:
        if "reveal" in url:
            continue
        assert getattr(client, method)(url, data).status_code == 403, url
    # A supervisor may still lift the hold (tidying up).
    response = as_user(supervisor_a).post(
        f"/cases/{case.pk}/holds/{hold.pk}/lift/", {"reason": "Recalled by the bank"}
    )
    assert response.status_code == 302
