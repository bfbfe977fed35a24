"""The case page: masked debtor, reveal recorded, balances and their history, period, linked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.models import Case, CaseHold, ContactPoint
from cases.selectors.casepage import collection_period, mask_address
from staff.models import PersonalDataView
from tests.cases.api.builders import ID_NUMBER, PHONE, make_case, make_debtor

pytestmark = pytest.mark.django_db


def page(client, case):
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_debtor_is_masked_id_first_6_last_4_phones_last_4_address_city_only(
    as_user, collector_a, case
):
    html = page(as_user(collector_a), case)
    assert "110101********8515" in html and ID_NUMBER not in html
    assert "*********5678" in html and PHONE not in html and "13812345678" not in html
    assert "上海市" in html and "浦东新区" not in html and "世纪大道" not in html


def test_address_mask_keeps_province_and_city_only():
    assert mask_address("上海市浦东新区世纪大道100号").startswith("上海市*")
    assert mask_address("广东省深圳市南山区科技园路1号").startswith("广东省深圳市*")
    assert "南山" not in mask_address("广东省深圳市南山区科技园路1号")


def test_assigned_collector_reveals_and_the_view_is_recorded(as_user, collector_a, case):
    client = as_user(collector_a)
    response = client.post(f"/cases/{case.pk}/reveal/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert ID_NUMBER in html and PHONE in html and "世纪大道100号" in html
    record = PersonalDataView.objects.get()
    assert record.user == collector_a
    assert record.content_type == ContentType.objects.get_for_model(Case)
    assert record.object_id == str(case.pk)


def test_branch_manager_may_not_reveal(as_user, manager_a, case):
    client = as_user(manager_a)
    assert 'id="reveal-personal-data"' not in page(client, case)
    assert client.post(f"/cases/{case.pk}/reveal/").status_code == 403
    assert not PersonalDataView.objects.exists()


def test_supervisor_sees_reveals_on_the_timeline_and_the_collector_does_not(
    as_user, collector_a, supervisor_a, case
):
    as_user(collector_a).post(f"/cases/{case.pk}/reveal/")
    assert "Personal data shown in full" not in page(as_user(collector_a), case)
    assert "Personal data shown in full" in page(as_user(supervisor_a), case)


def test_bank_balance_updates_are_history_with_a_table_and_a_chart(as_user, collector_a, case):
    for principal, reason in (("900.00", "placement #2"), ("750.00", "placement #3")):
        case.principal = Decimal(principal)
        case._change_reason = reason
        case.save()
    html = page(as_user(collector_a), case)
    table = html[html.index('id="balance-history"') :]
    # Newest first: 750 (placement #3), then 900, then the first placement's 1000.
    assert table.index("750.00") < table.index("900.00") < table.index("1000.00")
    assert "placement #3" in table
    assert 'id="balance-chart"' in html
    assert "Principal: 900.00 → 750.00" in html  # on the timeline


def test_one_balance_point_gets_no_chart(as_user, collector_a, case):
    assert 'id="balance-chart"' not in page(as_user(collector_a), case)


def test_collection_period_with_weekly_checkpoints_and_days_left(agreement_a, collector_a):
    placed = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))
    case = make_case(agreement_a, placed_at=placed, assigned_to=collector_a)
    period = collection_period(case, today=dt.date(2026, 11, 20))
    assert period.starts_on == dt.date(2026, 11, 2)
    assert period.ends_on == dt.date(2026, 12, 2)  # 30 days, the agreement's default
    assert [day for day, _passed in period.checkpoints] == [
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 30),
    ]
    assert [passed for _day, passed in period.checkpoints] == [True, True, False, False]
    assert period.days_left == 12
    assert collection_period(case, today=dt.date(2026, 12, 5)).days_over == 3


def test_page_shows_bucket_bank_agreement_collector_status_and_period(as_user, collector_a, case):
    html = page(as_user(collector_a), case)
    assert 'id="case-bucket">M2<' in html  # builders: 45 days overdue
    assert case.agreement.number in html and case.bank.name in html
    collector = html[html.index('id="case-collector"') :]
    assert collector.index(collector_a.get_full_name() or "col.a") < collector.index("</dd>")
    assert 'id="collection-period"' in html and "days left" in html


def test_active_hold_shows_a_banner(as_user, collector_a, case):
    CaseHold.objects.create(
        case=case,
        kind=CaseHold.Kind.DISPUTE,
        reason="Debtor says the card was stolen",
        placed_by=collector_a,
        placed_at=timezone.now(),
    )
    html = page(as_user(collector_a), case)
    assert "No contact: Dispute since" in html
    assert "Debtor says the card was stolen" in html


def test_linked_cases_show_only_those_the_viewer_may_see(
    as_user, collector_a, other_collector_a, supervisor_a, case, agreement_a, agreement_b
):
    mine = make_case(agreement_a, debtor=case.debtor, account_no="MINE-2", assigned_to=collector_a)
    theirs = make_case(
        agreement_a, debtor=case.debtor, account_no="THEIRS-1", assigned_to=other_collector_a
    )
    elsewhere = make_case(agreement_b, debtor=case.debtor, account_no="BRANCH-B-1")
    html = page(as_user(collector_a), case)
    linked = html[html.index('id="linked-cases"') :]
    assert "MINE-2" in linked
    assert "THEIRS-1" not in html and "BRANCH-B-1" not in html
    html = page(as_user(supervisor_a), case)
    assert "MINE-2" in html and "THEIRS-1" in html and "BRANCH-B-1" not in html
    assert mine and theirs and elsewhere


def _fill(case, collector, supervisor, outcome, rows: int) -> None:
    from cases.models import CallLog

    point = case.debtor.contact_points.filter(kind=ContactPoint.Kind.PHONE).first()
    now = timezone.now()
    for index in range(rows):
        case.principal = Decimal(1000 + index)
        case._change_reason = f"update {index}"
        case.save()
        ContactPoint.objects.create(
            debtor=case.debtor,
            kind=ContactPoint.Kind.PHONE,
            value=f"+86139{index:08d}",
            added_by=collector,
            source=ContactPoint.Source.COLLECTOR,
        )
        CaseHold.objects.create(
            case=case,
            kind=CaseHold.Kind.DISPUTE,
            reason=f"dispute {index}",
            placed_by=collector,
            placed_at=now - dt.timedelta(hours=index + 1),
            lifted_by=supervisor,
            lifted_at=now - dt.timedelta(hours=index),
            lift_reason="resolved",
        )
        CallLog.objects.create(
            case=case,
            collector=collector,
            contact_point=point,
            party="nobody",
            started_at=now - dt.timedelta(minutes=index),
            outcome=outcome,
        )
        PersonalDataView.objects.create(
            user=supervisor,
            content_type=ContentType.objects.get_for_model(Case),
            object_id=str(case.pk),
            fields="debtor.id_number",
        )


@pytest.mark.parametrize("viewer", ["collector_a", "supervisor_a"])
def test_case_page_query_count_does_not_grow_with_the_rows(
    request, as_user, collector_a, supervisor_a, agreement_a, outcome, viewer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = request.getfixturevalue(viewer)
    client = as_user(user)
    counts = []
    for rows in (1, 30):
        debtor = make_debtor(id_number="", phones=(f"+8613700000{rows:03d}",))
        case = make_case(agreement_a, debtor=debtor, assigned_to=collector_a)
        make_case(agreement_a, debtor=debtor, assigned_to=collector_a)  # a linked case
        _fill(case, collector_a, supervisor_a, outcome, rows)
        client.get(f"/cases/{case.pk}/")  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Exact, so that a new query is argued for. Session 5: collector 27, supervisor 30.
    # Session 6: one presence query (SELECT EXISTS … per kind of row) replaces the reads
    # of the kinds this case has none of (assignments, compliance records, visits,
    # procedures, extensions, promises, payments, plans); the viewer's dialled call is
    # read only when the case has a dialled call; the supervisor's reassignment list is
    # fetched on demand. This case has holds, calls, history, reveals and a linked case:
    # collector 15, supervisor 16
    # (the reveals, which only supervisors see on the timeline). Session 7: the viewer's
    # staff profile, branch and roles come with the user (staff.backends): 12 and 13.
    assert counts[1] == {"collector_a": 12, "supervisor_a": 13}[viewer]


def _captured_reads(queries, table: str) -> int:
    """SELECTs reading `table`'s rows (the one presence query, SELECT EXISTS …, aside)."""
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT")
        and not query["sql"].startswith("SELECT EXISTS(")
        and f'FROM "{table}"' in query["sql"]
    )


def _presence_queries(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("SELECT EXISTS("))


@pytest.mark.parametrize("viewer", ["collector_a", "supervisor_a"])
def test_the_case_page_reads_each_kind_of_row_once(
    request, as_user, collector_a, supervisor_a, agreement_a, outcome, viewer
):
    """Contact points, holds, the case's history, its calls and (supervisors) its refusals
    and overrides are each shown by several parts of the page: one read each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import ComplianceOverride, ComplianceRefusal, SpecialProcedure

    client = as_user(request.getfixturevalue(viewer))
    debtor = make_debtor(id_number="", phones=("+8613700000999",))
    case = make_case(agreement_a, debtor=debtor, assigned_to=collector_a)
    _fill(case, collector_a, supervisor_a, outcome, 3)
    now = timezone.now()
    ComplianceRefusal.objects.create(
        case=case,
        collector=collector_a,
        channel="call",
        refused_at=now,
        rules=["window"],
        message="x",
    )
    ComplianceOverride.objects.create(
        case=case,
        collector=collector_a,
        rules=["window"],
        reason="Debtor asked for a late call",
        granted_by=supervisor_a,
        granted_at=now,
        valid_until=now + dt.timedelta(hours=1),
    )
    SpecialProcedure.objects.create(
        case=case,
        branch=case.branch,
        kind="legal_action",
        reason="Court",
        requested_by=collector_a,
        requested_at=now,
    )
    client.get(f"/cases/{case.pk}/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Court" in html  # the procedure is on the page (panel and timeline)

    def reads(table: str) -> int:
        return _captured_reads(queries, table)

    assert _presence_queries(queries) == 1
    assert reads("cases_contactpoint") == 1
    assert reads("cases_casehold") == 1
    assert reads("cases_historicalcase") == 1
    assert reads("cases_compliancerefusal") == 1
    assert reads("cases_complianceoverride") == 1
    # Issue 10's panels and their timeline sources share one read each.
    assert reads("cases_specialprocedure") == 1
    # The calls: the newest ones once; the viewer's dialled, unlogged call is read only
    # when the case has a dialled call at all (none here).
    assert reads("cases_calllog") == 1
    # Kinds the case has no rows of are not read at all (the presence query said so).
    for table in (
        "cases_visitnomination",
        "cases_collectionperiodextension",
        "cases_promise",
        "cases_payment",
        "cases_paymentplan",
        "cases_complianceviolation",
    ):
        assert reads(table) == 0, table


@pytest.mark.parametrize("viewer", ["collector_a", "supervisor_a"])
def test_a_case_with_nothing_but_its_placement_reads_no_empty_table(
    request, as_user, collector_a, supervisor_a, agreement_a, viewer
):
    """One query says which kinds of rows the case has; the empty ones cost nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(request.getfixturevalue(viewer))
    case = make_case(agreement_a, debtor=make_debtor(id_number=""), assigned_to=collector_a)
    client.get(f"/cases/{case.pk}/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/cases/{case.pk}/").content.decode()
    assert _presence_queries(queries) == 1
    for table in (
        "cases_casehold",
        "cases_calllog",
        "cases_caseassignment",
        "cases_compliancerefusal",
        "cases_complianceoverride",
        "cases_complianceviolation",
        "cases_visitnomination",
        "cases_specialprocedure",
        "cases_collectionperiodextension",
        "cases_promise",
        "cases_payment",
        "cases_paymentplan",
        "staff_personaldataview",
    ):
        assert _captured_reads(queries, table) == 0, table
    # No linked case: the scoped read of the debtor's other cases is skipped too (the
    # case itself is read once, by the page).
    assert _captured_reads(queries, "cases_case") == 1
    # …and the page still says what each empty part says.
    assert "No holds: contact is allowed within the rules." in html
    assert 'id="case-timeline"' in html


def test_a_dialled_call_is_shown_however_many_calls_came_after_it(
    as_user, collector_a, agreement_a, outcome
):
    """The page reads the collector's unlogged call when the case has a dialled call (the
    presence query says so), wherever it is among the case's calls."""
    from cases.models import CallLog

    case = make_case(agreement_a, assigned_to=collector_a)
    point = case.debtor.contact_points.filter(kind=ContactPoint.Kind.PHONE).first()
    now = timezone.now()
    dialled = CallLog.objects.create(
        case=case,
        collector=collector_a,
        contact_point=point,
        party="debtor",
        started_at=now - dt.timedelta(hours=2),
        status=CallLog.Status.STARTED,
    )
    client = as_user(collector_a)
    html = page(client, case)
    assert f'name="started_call" value="{dialled.pk}"' in html
    for minute in range(30):  # newer calls than the page's read of 25
        CallLog.objects.create(
            case=case,
            collector=collector_a,
            contact_point=point,
            party="nobody",
            started_at=now - dt.timedelta(minutes=minute),
            outcome=outcome,
        )
    html = page(client, case)
    assert 'id="call-started"' in html and f'name="started_call" value="{dialled.pk}"' in html


def test_case_page_speaks_chinese(as_user, collector_a, case, settings):
    client = as_user(collector_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = page(client, case)
    assert "联系方式" in html and "时间线" in html and "债务人分类" in html
