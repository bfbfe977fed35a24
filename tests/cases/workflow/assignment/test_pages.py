"""The supervisor's assignment pages: scoping, bad input, distribution, query counts."""

from __future__ import annotations

import re

import pytest
from django.core import signing

from cases.models import Case, CaseAssignment, CaseAssignmentBatch
from cases.services.assignment import case_assign
from collections_office.workdays import company_today
from tests.cases.api.builders import make_case

pytestmark = pytest.mark.django_db

LIST = "/cases/assignment/"


def test_supervisor_sees_the_unassigned_open_cases_of_their_branch_only(
    as_user, supervisor_a, agreement_a, agreement_b, collector_a
):
    waiting = make_case(agreement_a, account_no="WAIT001")
    make_case(
        agreement_a,
        account_no="RECALL01",
        status=Case.Status.RECALLED,
        recalled_at="2026-01-01T00:00Z",
    )
    make_case(agreement_a, account_no="SETTLED1", status=Case.Status.SETTLED)
    taken = make_case(agreement_a, account_no="TAKEN001")
    case_assign(case=taken, collector=collector_a, actor=supervisor_a)
    make_case(agreement_b, account_no="OTHERBR1")
    page = as_user(supervisor_a).get(LIST).content.decode()
    assert "WAIT001" in page and f'value="{waiting.pk}"' in page
    for hidden in ("RECALL01", "SETTLED1", "TAKEN001", "OTHERBR1"):
        assert hidden not in page
    assert "Everything the filter matches (1 case)" in page


def test_the_list_filters_and_searches(as_user, supervisor_a, agreement_a):
    import datetime as dt
    from decimal import Decimal

    make_case(agreement_a, account_no="SMALL01", principal=Decimal("100"))
    make_case(agreement_a, account_no="BIG0001", principal=Decimal("90000"))
    make_case(
        agreement_a,
        account_no="OLD0001",
        overdue_since=company_today() - dt.timedelta(days=200),
    )
    client = as_user(supervisor_a)
    page = client.get(LIST, {"balance_min": "50000"}).content.decode()
    assert "BIG0001" in page and "SMALL01" not in page
    page = client.get(LIST, {"bucket": "M6+"}).content.decode()
    assert "OLD0001" in page and "BIG0001" not in page
    page = client.get(LIST, {"q": "SMALL"}).content.decode()
    assert "SMALL01" in page and "BIG0001" not in page
    page = client.get(LIST, {"balance_min": "9", "balance_max": "1"}).content.decode()
    assert 'id="filter-errors"' in page


def test_collectors_and_other_roles_may_not_open_the_assignment_pages(
    as_user, collector_a, staff_user, branch_a, new_cases_a
):
    from staff import roles

    for user in (collector_a, staff_user(roles.ADMIN_STAFF, branch=branch_a)):
        client = as_user(user)
        assert client.get(LIST).status_code == 403
        assert client.get("/cases/assignment/breaches/").status_code == 403
        assert client.post("/cases/assignment/assign/", {"scope": "selection"}).status_code == 403
        assert client.post("/cases/assignment/preview/", {"scope": "selection"}).status_code == 403
        assert client.post("/cases/assignment/apply/", {}).status_code == 403
        assert client.get(f"/cases/{new_cases_a[0].pk}/assignment/").status_code == 403


def test_a_supervisor_of_another_branch_gets_404_on_every_assignment_route(
    as_user, supervisor_b, collector_a, supervisor_a, new_cases_a
):
    case = new_cases_a[0]
    other = new_cases_a[1]
    case_assign(case=other, collector=collector_a, actor=supervisor_a)
    client = as_user(supervisor_b)
    assert client.get(f"/cases/{case.pk}/assignment/").status_code == 404
    assert (
        client.post(f"/cases/{case.pk}/assignment/", {"collector": collector_a.pk}).status_code
        == 404
    )
    assert client.get(f"/cases/assignment/collectors/{collector_a.pk}/").status_code == 404
    assert (
        client.post(
            f"/cases/assignment/collectors/{collector_a.pk}/",
            {"case": [other.pk], "collector": collector_a.pk, "reason": "x"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/cases/assignment/assign/",
            {"scope": "selection", "case": [case.pk], "collector": collector_a.pk},
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/cases/assignment/preview/",
            {"scope": "selection", "case": [case.pk], "collectors": [collector_a.pk]},
        ).status_code
        == 404
    )
    # A plan signed for supervisor A cannot be applied by anyone else.
    plan = signing.dumps(
        {"actor": supervisor_a.pk, "branch": case.branch_id, "moves": [[case.pk, collector_a.pk]]},
        salt="cases.assignment.plan",
        compress=True,
    )
    assert client.post("/cases/assignment/apply/", {"plan": plan}).status_code == 404
    assert not CaseAssignment.objects.filter(case=case).exists()
    assert "OTHER" not in client.get(LIST).content.decode()


def test_assigning_the_ticked_cases_from_the_list(as_user, supervisor_a, collector_a, new_cases_a):
    client = as_user(supervisor_a)
    response = client.post(
        "/cases/assignment/assign/",
        {
            "scope": "selection",
            "case": [c.pk for c in new_cases_a[:2]],
            "collector": collector_a.pk,
        },
        follow=True,
    )
    assert "2 cases assigned." in response.content.decode()
    assert Case.objects.filter(assigned_to=collector_a).count() == 2


def test_assigning_everything_the_filter_matches(
    as_user, supervisor_a, collector_a, new_cases_a, agreement_a
):
    from decimal import Decimal

    make_case(agreement_a, account_no="HUGE001", principal=Decimal("99999"))
    client = as_user(supervisor_a)
    response = client.post(
        "/cases/assignment/assign/",
        {"scope": "filter", "filter": "balance_max=5000", "collector": collector_a.pk},
        follow=True,
    )
    assert "5 cases assigned." in response.content.decode()
    assert Case.objects.get(account_no="HUGE001").assigned_to is None
    assert CaseAssignmentBatch.objects.get().kind == CaseAssignmentBatch.Kind.FILTER


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"scope": "selection", "collector": "COLLECTOR"}, "cases", "Select at least one case"),
        ({"scope": "selection", "case": ["CASE"]}, "collector", "Choose a collector"),
        ({"scope": "selection", "case": ["CASE"], "collector": "OTHER"}, "collector", "works in"),
        (
            {"scope": "selection", "case": ["CASE"], "collector": "LEFT"},
            "collector",
            "no longer active",
        ),
        (
            {"scope": "selection", "case": ["RECALLED"], "collector": "COLLECTOR"},
            "cases",
            "not open",
        ),
        (
            {"scope": "nonsense", "case": ["CASE"], "collector": "COLLECTOR"},
            "scope",
            "valid choice",
        ),
        ({"scope": "selection", "case": ["x"], "collector": "COLLECTOR"}, "case", "valid choice"),
    ],
)
def test_bad_assignment_input_is_named_on_its_field_and_nothing_is_written(
    as_user,
    supervisor_a,
    collector_a,
    collector_b,
    inactive_collector_a,
    new_cases_a,
    agreement_a,
    payload,
    field,
    message,
):
    from django.utils import timezone

    recalled = make_case(agreement_a, status=Case.Status.RECALLED, recalled_at=timezone.now())
    values = {
        "COLLECTOR": collector_a.pk,
        "OTHER": collector_b.pk,
        "LEFT": inactive_collector_a.pk,
        "CASE": new_cases_a[0].pk,
        "RECALLED": recalled.pk,
    }

    def resolve(value):
        if isinstance(value, list):
            return [values.get(item, item) for item in value]
        return values.get(value, value)

    data = {key: resolve(value) for key, value in payload.items()}
    response = as_user(supervisor_a).post("/cases/assignment/assign/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(rf'data-field="{field}"[^>]*>[^<]*{message}', body), body[:3000]
    assert not CaseAssignment.objects.exists()


def test_distribution_preview_shows_the_plan_and_apply_assigns_exactly_it(
    as_user, supervisor_a, collector_a, collector_a2, new_cases_a
):
    client = as_user(supervisor_a)
    preview = client.post(
        "/cases/assignment/preview/",
        {"scope": "filter", "filter": "", "collectors": [collector_a.pk, collector_a2.pk]},
    )
    body = preview.content.decode()
    assert preview.status_code == 200 and 'id="plan-table"' in body
    counts = sorted(int(n) for n in re.findall(r'data-testid="share-count">(\d+)<', body))
    assert counts == [2, 3]
    assert not CaseAssignment.objects.exists()  # a preview writes nothing
    plan = re.search(r'name="plan" value="([^"]+)"', body).group(1)
    # Someone assigns one of the cases between the preview and the apply.
    case_assign(case=new_cases_a[0], collector=collector_a2, actor=supervisor_a)
    response = client.post("/cases/assignment/apply/", {"plan": plan}, follow=True)
    text = response.content.decode()
    assert "4 cases assigned." in text
    assert new_cases_a[0].account_no in text
    batch = CaseAssignmentBatch.objects.get(kind=CaseAssignmentBatch.Kind.AUTOMATIC)
    assert batch.assignments.count() == 4
    assert not Case.objects.filter(assigned_to__isnull=True).exists()


def test_a_changed_or_expired_plan_is_refused_plainly(as_user, supervisor_a):
    response = as_user(supervisor_a).post(
        "/cases/assignment/apply/", {"plan": "tampered"}, follow=True
    )
    assert "Preview the distribution again" in response.content.decode()


def test_distribution_needs_collectors(as_user, supervisor_a, new_cases_a, collector_b):
    client = as_user(supervisor_a)
    response = client.post("/cases/assignment/preview/", {"scope": "filter", "filter": ""})
    assert response.status_code == 200
    assert 'data-field="collectors"' in response.content.decode()
    response = client.post(
        "/cases/assignment/preview/",
        {"scope": "filter", "filter": "", "collectors": [collector_b.pk]},
    )
    assert response.status_code == 200 and "works in" in response.content.decode()


def test_the_collector_pickers_keep_what_was_posted_and_escape_names(
    as_user, supervisor_a, collector_a, collector_a2, collector_b, new_cases_a
):
    """The list's collector select and checkboxes are made in Python (2,000 collectors in
    the bench branch): the branch's collectors only, names escaped, the posted choices
    kept when the page comes back with an error (no case was ticked here)."""
    collector_a2.first_name = "<b>Li</b>"
    collector_a2.save()
    client = as_user(supervisor_a)
    body = client.post(
        "/cases/assignment/preview/",
        {"scope": "selection", "collectors": [collector_a.pk, collector_a2.pk]},
    ).content.decode()
    assert 'data-field="cases"' in body
    for collector in (collector_a, collector_a2):
        assert f'id="distribute-{collector.pk}" checked>' in body
    assert f'id="distribute-{collector_b.pk}"' not in body
    assert "&lt;b&gt;Li&lt;/b&gt;" in body and "<b>Li</b>" not in body
    body = client.post(
        "/cases/assignment/assign/", {"scope": "selection", "collector": collector_a2.pk}
    ).content.decode()
    assert f'<option value="{collector_a2.pk}" selected>' in body
    assert f'<option value="{collector_a.pk}">' in body
    pickers = body.split('id="distribute-collectors"')[1].split('id="by-bucket"')[0]
    assert "checked>" not in pickers


def test_reassigning_from_the_case_page_needs_a_reason(
    as_user, supervisor_a, collector_a, collector_a2, new_cases_a
):
    case = new_cases_a[0]
    case_assign(case=case, collector=collector_a, actor=supervisor_a)
    client = as_user(supervisor_a)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="panel-assignment"' in detail and "Li Lei" in detail
    # The form and the branch's collectors come on demand (a button; a link without JS).
    assert 'id="case-assign-open"' in detail and 'id="case-assign-form"' not in detail
    url = f"/cases/{case.pk}/assignment/"
    assert f'hx-get="{url}?expected={collector_a.pk}"' in detail
    fragment = client.get(f"{url}?expected={collector_a.pk}", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert 'id="case-assign-form"' in html and f'value="{collector_a.pk}"' in html
    assert f'<option value="{collector_a2.pk}">' in html
    assert f'<option value="{collector_a.pk}">' not in html  # not to whom it already is
    response = client.post(url, {"collector": collector_a2.pk, "expected": collector_a.pk})
    assert response.status_code == 200 and 'data-field="reason"' in response.content.decode()
    response = client.post(
        url, {"collector": collector_a2.pk, "expected": collector_a.pk, "reason": "Leave"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == collector_a2
    # The timeline source lists both moves, newest first.
    from cases.selectors.assignment import assignment_timeline

    entries = assignment_timeline(case, supervisor_a, 10)
    assert [entry.detail for entry in entries] == ["Leave", ""]
    # A form fetched from a page opened before that change still says what the page
    # showed: posting it is refused as a conflict, nothing is overwritten.
    html = client.get(f"{url}?expected={collector_a.pk}", HTTP_HX_REQUEST="true").content
    assert f'name="expected" value="{collector_a.pk}"' in html.decode()
    response = client.post(
        url, {"collector": collector_a.pk, "expected": collector_a.pk, "reason": "Back"}
    )
    assert response.status_code == 200 and 'id="assign-errors"' in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == collector_a2


def test_the_case_page_shows_a_collector_their_first_action_clock_without_a_form(
    client, supervisor_a, collector_a, new_cases_a
):
    case = new_cases_a[0]
    case_assign(case=case, collector=collector_a, actor=supervisor_a)
    client.force_login(collector_a)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="first-action-clock"' in detail
    assert 'id="case-assign-form"' not in detail


def test_reassigning_a_selection_of_a_collectors_cases_on_their_page(
    as_user, supervisor_a, collector_a, collector_a2, new_cases_a
):
    from cases.services.assignment import cases_assign

    cases_assign(cases=new_cases_a, collector=collector_a, actor=supervisor_a)
    client = as_user(supervisor_a)
    url = f"/cases/assignment/collectors/{collector_a.pk}/"
    assert client.get(url).status_code == 200
    ids = [c.pk for c in new_cases_a[:2]]
    response = client.post(url, {"case": ids, "collector": collector_a2.pk, "reason": ""})
    assert response.status_code == 200 and 'data-field="reason"' in response.content.decode()
    response = client.post(url, {"case": [], "collector": collector_a2.pk, "reason": "x"})
    assert response.status_code == 200 and 'data-field="cases"' in response.content.decode()
    response = client.post(url, {"case": ids, "collector": collector_a2.pk, "reason": "Balance"})
    assert response.status_code == 302
    assert Case.objects.filter(assigned_to=collector_a2).count() == 2


def test_hq_supervisor_sees_all_branches_and_assigns_within_one(
    as_user, supervisor_hq, agreement_a, agreement_b, collector_a
):
    a = make_case(agreement_a, account_no="HQA0001")
    make_case(agreement_b, account_no="HQB0001")
    client = as_user(supervisor_hq)
    page = client.get(LIST).content.decode()
    assert "HQA0001" in page and "HQB0001" in page and 'id="choose-branch"' in page
    response = client.post(
        "/cases/assignment/assign/",
        {"scope": "filter", "filter": "", "collector": collector_a.pk},
    )
    assert response.status_code == 200 and "several branches" in response.content.decode()
    response = client.post(
        "/cases/assignment/assign/",
        {"scope": "filter", "filter": f"branch={a.branch_id}", "collector": collector_a.pk},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=a.pk).assigned_to == collector_a


def test_the_unassigned_list_query_count_does_not_grow_with_rows(
    as_user, supervisor_a, agreement_a, placement_a, collector_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(supervisor_a)
    make_case(agreement_a, placement=placement_a)
    client.get(LIST)  # warm the session and the role cache alike for both runs
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(LIST).status_code == 200
    for _ in range(29):
        make_case(agreement_a, placement=placement_a)
    with CaptureQueriesContext(connection) as thirty_rows:
        body = client.get(LIST).content.decode()
    assert body.count('class="form-check-input case-check"') == 30
    assert len(thirty_rows) == len(one_row) == 8  # the user, profile and roles: one query


def _queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the same warm-up for both runs (session, role cache)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_other_assignment_pages_query_counts_do_not_grow_with_rows(
    as_user, supervisor_a, agreement_a, collector_a
):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from cases.services.assignment import cases_assign

    def add_cases(count):
        with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
            fresh = [make_case(agreement_a) for _ in range(count)]
            late = [make_case(agreement_a) for _ in range(count)]  # stay unassigned, late
            cases_assign(cases=fresh, collector=collector_a, actor=supervisor_a)
        return late

    client = as_user(supervisor_a)
    urls = [
        f"/cases/assignment/collectors/{collector_a.pk}/",
        "/cases/assignment/breaches/",
        "/",
        f"/cases/{add_cases(1)[0].pk}/assignment/",
    ]
    few = [_queries_for(client, url) for url in urls]
    add_cases(29)
    many = [_queries_for(client, url) for url in urls]
    assert few == many
