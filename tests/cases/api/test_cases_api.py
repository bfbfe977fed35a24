"""GET /api/v1/cases/, /{id}/ and POST /{id}/recall/ (DESIGN §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from staff import roles

from .builders import CARD, ID_NUMBER, PHONE, make_case, make_debtor

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases/"


def detail(case) -> str:
    return f"/api/v1/cases/{case.pk}/"


def recall(case) -> str:
    return f"/api/v1/cases/{case.pk}/recall/"


def test_anonymous_cannot_read_cases(api, agreement_a):
    case = make_case(agreement_a)
    assert api.get(LIST).status_code == 401
    assert api.get(detail(case)).status_code == 401
    assert api.post(recall(case)).status_code == 401
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_bank_lists_only_its_own_cases(api_a, agreement_a, agreement_b):
    mine = make_case(agreement_a)
    make_case(agreement_b)
    data = api_a.get(LIST).json()
    assert [row["id"] for row in data["results"]] == [mine.pk]
    assert "next" in data and "count" not in data  # cursor pagination


def test_bank_a_key_on_bank_b_case_or_recall_is_404(api_a, agreement_b):
    theirs = make_case(agreement_b)
    assert api_a.get(detail(theirs)).status_code == 404
    assert api_a.post(recall(theirs), {"reason": "x"}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Case.Status.NEW


def test_cases_are_filtered_by_status_account_and_update_time(api_a, agreement_a):
    old = make_case(agreement_a, account_no="OLD-1")
    Case.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=10))
    settled = make_case(agreement_a, account_no="SET-1", status=Case.Status.SETTLED)
    fresh = make_case(agreement_a, account_no="NEW-1")

    def ids(query: str) -> set[int]:
        response = api_a.get(LIST + query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("?status=settled") == {settled.pk}
    assert ids("?account_no=NEW-1") == {fresh.pk}
    since = (timezone.now() - dt.timedelta(days=1)).date().isoformat()
    assert ids(f"?updated_since={since}") == {settled.pk, fresh.pk}


@pytest.mark.parametrize(
    ("query", "field"), [("?status=paid", "status"), ("?updated_since=yesterday", "updated_since")]
)
def test_bad_filters_are_400_naming_the_field(api_a, agreement_a, query, field):
    response = api_a.get(LIST + query)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_cursor_pagination_walks_all_cases_in_update_order(api_a, agreement_a):
    made = [make_case(agreement_a) for _ in range(5)]
    seen, url = [], LIST + "?page_size=2"
    while url:
        data = api_a.get(url).json()
        seen += [row["id"] for row in data["results"]]
        url = data["next"]
    assert seen == [case.pk for case in made]


def test_personal_data_is_masked_in_every_response(api_a, agreement_a):
    debtor = make_debtor(id_number=ID_NUMBER, phones=(PHONE, "+8613900001111"))
    case = make_case(agreement_a, debtor=debtor)
    bodies = [
        api_a.get(LIST).content.decode(),
        api_a.get(detail(case)).content.decode(),
        api_a.post(recall(case), {}, format="json").content.decode(),
    ]
    for body in bodies:
        assert ID_NUMBER not in body
        assert PHONE not in body and "13812345678" not in body
        assert "110101********8515" in body
    data = api_a.get(detail(case)).json()
    assert data["debtor"]["id_number_masked"] == "110101********8515"
    assert data["debtor"]["phones_masked"] == ["**********5678", "**********1111"]
    assert data["card_no_masked"] == CARD


def test_case_shows_no_staff_personal_data(api_a, agreement_a, staff_user):
    collector = staff_user(roles.PHONE_COLLECTOR, branch=agreement_a.branch, username="li.lei")
    case = make_case(agreement_a, assigned_to=collector, status=Case.Status.ASSIGNED)
    body = api_a.get(detail(case)).content.decode()
    data = api_a.get(detail(case)).json()
    assert "assigned_to" not in data
    for value in (collector.username, collector.first_name, collector.last_name, str(collector.pk)):
        assert f'"{value}"' not in body
    assert data["status"] == "assigned"
    assert Decimal(data["balance"]) == Decimal("1060.50")


def test_recall_stops_the_case_and_keeps_history(api_a, key_a, agreement_a):
    case = make_case(agreement_a)
    response = api_a.post(recall(case), {"reason": "Debtor paid the bank"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "recalled"
    case.refresh_from_db()
    assert case.status == Case.Status.RECALLED and case.recalled_at is not None
    latest = case.history.first()
    assert latest.status == "recalled"
    assert latest.history_user is None
    assert key_a[0].prefix in latest.history_change_reason
    assert "Debtor paid the bank" in latest.history_change_reason


def test_recall_twice_is_idempotent(api_a, agreement_a):
    case = make_case(agreement_a)
    first = api_a.post(recall(case), format="json").json()
    history_rows = case.history.count()
    second = api_a.post(recall(case), format="json")
    assert second.status_code == 200
    assert second.json()["recalled_at"] == first["recalled_at"]
    assert case.history.count() == history_rows


def test_recall_of_a_settled_case_is_409(api_a, agreement_a):
    case = make_case(agreement_a, status=Case.Status.SETTLED)
    response = api_a.post(recall(case), format="json")
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == Case.Status.SETTLED


def test_bank_cannot_set_status_balance_or_assignee_through_any_field(
    api_a, agreement_a, staff_user
):
    collector = staff_user(roles.PHONE_COLLECTOR, branch=agreement_a.branch)
    case = make_case(agreement_a)
    before = Case.objects.values().get(pk=case.pk)
    tampering = {
        "status": "settled",
        "principal": "0.00",
        "interest": "0.00",
        "fees": "0.00",
        "balance": "0.00",
        "assigned_to": collector.pk,
        "branch": 999,
        "account_no": "HACKED",
    }
    for method in ("put", "patch"):
        response = getattr(api_a, method)(detail(case), tampering, format="json")
        assert response.status_code == 405
    assert api_a.post(LIST, tampering, format="json").status_code == 405
    assert Case.objects.values().get(pk=case.pk) == before
    # The recall reads only its reason: everything else in the body is ignored.
    response = api_a.post(recall(case), tampering, format="json")
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Case.Status.RECALLED
    assert (case.principal, case.interest, case.fees) == (
        before["principal"],
        before["interest"],
        before["fees"],
    )
    assert case.assigned_to_id is None
    assert case.account_no == before["account_no"]
    assert case.branch_id == before["branch_id"]


def test_case_reads_use_a_bounded_number_of_queries(
    api_a, agreement_a, django_assert_max_num_queries
):
    for _ in range(20):
        case = make_case(agreement_a)
    with django_assert_max_num_queries(5):
        assert api_a.get(LIST).status_code == 200
    with django_assert_max_num_queries(5):
        assert api_a.get(detail(case)).status_code == 200
    # The recall answers with the case detail: +2 for its promises and confirmed payments.
    with django_assert_max_num_queries(14):
        assert api_a.post(recall(case), format="json").status_code == 200
