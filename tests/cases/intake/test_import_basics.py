"""A placement file goes in: cases, debtors, contact points, history, counters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases.models import Case, ContactPoint, Debtor, Placement
from tests.cases.intake.conftest import WITH_TRIGGERS, csv_bytes, errors_of, make_id, row

ENGINES = ["postgresql", WITH_TRIGGERS, "orm"]


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ENGINES)
def test_good_rows_become_cases_with_debtors_and_contacts(import_file, agreement_a, engine):
    content = csv_bytes(
        [
            row("A001", phones="13812345678; 021-62345678", card_no="6222 0212 3456 7890"),
            row("A002", debtor_name="李四", id_number=make_id(sequence="777"), address=""),
        ]
    )
    placement = import_file(content, engine=engine)

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert (placement.rows_total, placement.rows_done) == (2, 2)
    assert (placement.rows_created, placement.rows_updated, placement.rows_rejected) == (2, 0, 0)
    case = Case.objects.get(account_no="A001")
    assert case.branch == agreement_a.branch
    assert case.agreement == agreement_a
    assert case.status == Case.Status.NEW
    assert case.last_placement == placement
    assert (case.principal, case.interest, case.fees) == (
        Decimal("10000.00"),
        Decimal("250.50"),
        Decimal("30.00"),
    )
    assert case.card_no_masked == "622202******7890"
    assert case.debtor.id_number == make_id(sequence="001")
    assert sorted(case.debtor.contact_points.values_list("kind", flat=True)) == [
        "address",
        "phone",
        "phone",
    ]
    phones = {cp.value for cp in case.debtor.contact_points.filter(kind="phone")}
    assert phones == {"+8613812345678", "+862162345678"}
    assert case.history.get().history_type == "+"
    assert Debtor.objects.count() == 2
    assert errors_of(placement) == []


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ENGINES)
def test_placing_the_same_accounts_again_updates_them_and_keeps_the_old_balance_in_history(
    import_file, engine
):
    first = import_file(csv_bytes([row("A001", phones="13812345678")]), engine=engine)
    second = import_file(
        csv_bytes([row("A001", principal="9000.00", phones="13900001111", address="北京市")]),
        name="second.csv",
        engine=engine,
    )

    assert (second.rows_created, second.rows_updated) == (0, 1), second.failure_reason
    case = Case.objects.get(account_no="A001")
    assert Case.objects.count() == 1
    assert case.principal == Decimal("9000.00")
    assert case.last_placement == second
    history = list(case.history.order_by("history_date", "history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[0].principal == Decimal("10000.00")
    assert history[1].principal == Decimal("9000.00")
    assert f"#{second.pk}" in history[1].history_change_reason
    assert f"#{first.pk}" in history[0].history_change_reason
    # Contacts merged: the old phone and address kept, the new ones added, none twice.
    values = sorted(case.debtor.contact_points.values_list("kind", flat=True))
    assert values == ["address", "address", "phone", "phone"]
    assert ContactPoint.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ENGINES)
def test_one_debtor_per_id_number_across_accounts_and_banks(
    import_file, bank_b, agreement_b, engine
):
    same_person = make_id(sequence="555")
    import_file(
        csv_bytes([row("A001", id_number=same_person), row("A002", id_number=same_person)]),
        engine=engine,
    )
    import_file(csv_bytes([row("B001", id_number=same_person)]), bank=bank_b, engine=engine)

    assert Case.objects.count() == 3
    assert Debtor.objects.count() == 1
    # The same phone and address on all three rows: kept once.
    assert ContactPoint.objects.count() == 2
    assert set(Case.objects.values_list("debtor_id", flat=True)) == {Debtor.objects.get().pk}


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ENGINES)
def test_rows_without_id_number_get_a_debtor_each_and_keep_it_on_update(import_file, engine):
    import_file(
        csv_bytes([row("A001", id_number="", debtor_name="王五"), row("A002", id_number="")]),
        engine=engine,
    )
    debtor_of_a001 = Case.objects.get(account_no="A001").debtor_id
    import_file(
        csv_bytes([row("A001", id_number="", principal="1.00")]), name="2.csv", engine=engine
    )

    assert Debtor.objects.count() == 2
    assert Case.objects.get(account_no="A001").debtor_id == debtor_of_a001


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ENGINES)
def test_recalled_account_placed_again_is_active_again_and_keeps_its_history(import_file, engine):
    from django.utils import timezone

    import_file(csv_bytes([row("A001")]), engine=engine)
    case = Case.objects.get()
    case.status = Case.Status.RECALLED
    case.recalled_at = timezone.now()
    case._change_reason = "recalled by the bank"
    case.save()

    again = import_file(
        csv_bytes([row("A001", principal="500.00")]), name="again.csv", engine=engine
    )

    case.refresh_from_db()
    assert again.rows_updated == 1
    assert case.status == Case.Status.NEW
    assert case.recalled_at is None
    statuses = list(
        case.history.order_by("history_date", "history_id").values_list("status", flat=True)
    )
    assert statuses == ["new", "recalled", "new"]


@pytest.mark.django_db
def test_personal_data_is_ciphertext_in_the_tables_and_in_history(import_file):
    from django.db import connection

    number = make_id(sequence="321")
    import_file(
        csv_bytes([row("A001", id_number=number, phones="13812345678", address="秘密地址")])
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number FROM cases_debtor"
            " UNION ALL SELECT id_number FROM cases_historicaldebtor"
        )
        stored_ids = [value for (value,) in cursor.fetchall()]
        cursor.execute(
            "SELECT value FROM cases_contactpoint"
            " UNION ALL SELECT value FROM cases_historicalcontactpoint"
        )
        stored_contacts = [value for (value,) in cursor.fetchall()]
    assert len(stored_ids) == 2 and len(stored_contacts) == 4
    for value in stored_ids + stored_contacts:
        assert value.startswith("g1.")
        assert number not in value and "13812345678" not in value and "秘密" not in value
    assert Debtor.objects.get().id_number == number
