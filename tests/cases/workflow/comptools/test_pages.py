"""The compliance pages: who may open what, forms with bad input, exports, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from cases.models import (
    Agreement,
    ComplianceChannelRules,
    ComplianceOverride,
    ComplianceRuleSet,
    ComplianceViolation,
)
from collections_office.workdays import company_tz
from staff import roles
from tests.cases.api.builders import make_case
from tests.factories import make_staff

from .conftest import make_call, make_override, make_refusal, make_violation, place_hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def refusal(case, collector):
    return make_refusal(case, collector)


def supervisor_pages(case, refusal) -> list[str]:
    return [
        "/cases/compliance/refusals/",
        f"/cases/compliance/refusals/{refusal.pk}/override/",
        f"/cases/{case.pk}/compliance/override/",
        f"/cases/{case.pk}/compliance/violation/",
    ]


# --- Who may open what ----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, case, refusal, collector):
    for url in [
        "/cases/compliance/",
        f"/cases/compliance/collectors/{collector.pk}/",
        "/cases/compliance/rule-sets/",
        *supervisor_pages(case, refusal),
    ]:
        assert client.get(url).status_code == 302, url


def test_a_supervisor_opens_every_page_of_their_branch(
    as_user, supervisor, case, refusal, collector
):
    client = as_user(supervisor)
    for url in [
        "/cases/compliance/",
        f"/cases/compliance/collectors/{collector.pk}/",
        "/cases/compliance/rule-sets/",
        *supervisor_pages(case, refusal),
    ]:
        assert client.get(url).status_code == 200, url


def test_a_supervisor_of_another_branch_gets_404_on_its_case_refusal_and_collector(
    as_user, other_supervisor, case, refusal, collector
):
    client = as_user(other_supervisor)
    for url in [
        f"/cases/compliance/refusals/{refusal.pk}/override/",
        f"/cases/{case.pk}/compliance/override/",
        f"/cases/{case.pk}/compliance/violation/",
        f"/cases/compliance/collectors/{collector.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "rules": ["contact_window"]}).status_code == 404
    html = client.get("/cases/compliance/").content.decode()
    assert collector.username not in html and case.account_no not in html
    assert case.account_no not in client.get("/cases/compliance/refusals/").content.decode()
    assert not ComplianceOverride.objects.exists()


def test_hq_sees_every_branch(as_user, hq_supervisor, case, refusal, collector):
    client = as_user(hq_supervisor)
    assert client.get(f"/cases/compliance/collectors/{collector.pk}/").status_code == 200
    assert case.account_no in client.get("/cases/compliance/refusals/").content.decode()
    assert f'data-collector="{collector.pk}"' in client.get("/cases/compliance/").content.decode()


def test_a_collector_gets_403_on_supervisor_pages(as_user, collector, case, refusal):
    client = as_user(collector)
    for url in [*supervisor_pages(case, refusal), "/cases/compliance/rule-sets/"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "me", "rules": ["contact_window"]}).status_code == 403
    assert not ComplianceOverride.objects.exists()


def test_a_collector_sees_their_own_page_and_404_for_another(
    as_user, collector, other_collector, case, refusal
):
    client = as_user(collector)
    response = client.get("/cases/compliance/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/compliance/collectors/{collector.pk}/"
    own = client.get(f"/cases/compliance/collectors/{collector.pk}/")
    assert own.status_code == 200
    assert case.account_no in own.content.decode()
    assert client.get(f"/cases/compliance/collectors/{other_collector.pk}/").status_code == 404


def test_front_desk_gets_403_everywhere(as_user, front_desk, case, refusal, collector):
    client = as_user(front_desk)
    for url in [
        "/cases/compliance/",
        f"/cases/compliance/collectors/{collector.pk}/",
        "/cases/compliance/rule-sets/",
        *supervisor_pages(case, refusal),
    ]:
        assert client.get(url).status_code == 403, url


# --- Granting an override ----------------------------------------------------------------------


def test_the_grant_form_comes_filled_in_from_the_refusal(as_user, supervisor, refusal):
    html = (
        as_user(supervisor)
        .get(f"/cases/compliance/refusals/{refusal.pk}/override/")
        .content.decode()
    )
    assert 'value="contact_window" class="override-rules" id="id_rules_0" checked' in html
    assert escape(refusal.message) in html


def test_a_supervisor_grants_an_override_from_a_refusal(as_user, supervisor, refusal, collector):
    response = as_user(supervisor).post(
        f"/cases/compliance/refusals/{refusal.pk}/override/",
        {
            "rules": ["contact_window"],
            "reason": "Debtor asked for a call after 22:00",
            "contact_point": refusal.contact_point_id,
            "message": refusal.message,
            "channel": "call",
        },
    )
    assert response.status_code == 302
    override = ComplianceOverride.objects.get()
    assert override.collector == collector
    assert override.granted_by == supervisor
    assert override.contact_point_id == refusal.contact_point_id
    assert override.message == refusal.message


def test_without_a_reason_the_form_says_so_and_nothing_is_written(as_user, supervisor, refusal):
    response = as_user(supervisor).post(
        f"/cases/compliance/refusals/{refusal.pk}/override/",
        {"rules": ["contact_window"], "reason": ""},
    )
    assert response.status_code == 200
    assert 'data-field="reason"' in response.content.decode()
    assert not ComplianceOverride.objects.exists()


def test_without_rules_the_form_says_so(as_user, supervisor, refusal):
    response = as_user(supervisor).post(
        f"/cases/compliance/refusals/{refusal.pk}/override/", {"reason": "because"}
    )
    assert 'data-field="rules"' in response.content.decode()
    assert not ComplianceOverride.objects.exists()


def test_a_refusal_for_a_hold_offers_no_override_and_the_grant_is_refused(
    as_user, supervisor, case, collector
):
    held = make_refusal(case, collector, rules=["hold"], message="The case is on hold.")
    place_hold(case, supervisor)
    client = as_user(supervisor)
    listing = client.get("/cases/compliance/refusals/").content.decode()
    assert "Hold: not overridable" in listing
    assert f"/cases/compliance/refusals/{held.pk}/override/" not in listing
    response = client.post(
        f"/cases/{case.pk}/compliance/override/",
        {"rules": ["contact_window"], "reason": "urgent", "channel": "call"},
    )
    assert response.status_code == 200
    assert "never overridden" in response.content.decode()
    assert not ComplianceOverride.objects.exists()


def test_a_refusal_of_a_collector_no_longer_assigned_cannot_be_overridden(
    as_user, supervisor, case, refusal, other_collector
):
    type(case).objects.filter(pk=case.pk).update(assigned_to=other_collector)
    response = as_user(supervisor).post(
        f"/cases/compliance/refusals/{refusal.pk}/override/",
        {"rules": ["contact_window"], "reason": "please"},
    )
    assert response.status_code == 200
    assert "not assigned to this person" in response.content.decode()
    assert not ComplianceOverride.objects.exists()


def test_the_case_panel_lists_refusals_and_overrides_and_grants(
    as_user, supervisor, case, refusal, collector
):
    make_override(case, collector, supervisor)
    client = as_user(supervisor)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="panel-compliance"' in html
    assert 'id="case-override-form"' in html
    assert "debtor asked for a late call" in html
    response = client.post(
        f"/cases/{case.pk}/compliance/override/",
        {
            "rules": ["quiet_after_conversation"],
            "reason": "the debtor called us",
            "channel": "call",
        },
    )
    assert response.status_code == 302
    assert ComplianceOverride.objects.filter(rules=["quiet_after_conversation"]).exists()


def test_the_collector_does_not_see_the_compliance_panel(as_user, collector, case, refusal):
    html = as_user(collector).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="panel-compliance"' not in html


# --- Violations -----------------------------------------------------------------------------------


def test_a_supervisor_records_a_violation_from_the_case(as_user, supervisor, case, collector):
    call = make_call(case, collector)
    client = as_user(supervisor)
    form = client.get(f"/cases/{case.pk}/compliance/violation/?call={call.pk}")
    assert form.status_code == 200
    # As the supervisor types it: the company's time (the form reads it so).
    when = timezone.localtime(call.started_at, company_tz()).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/cases/{case.pk}/compliance/violation/",
        {
            "collector": collector.pk,
            "call": call.pk,
            "rule": "contact_window",
            "occurred_at": when,
            "description": "Called at 23:10, recording reviewed.",
        },
    )
    assert response.status_code == 302
    violation = ComplianceViolation.objects.get()
    assert violation.call == call and violation.confirmed_by == supervisor
    page = client.get(f"/cases/compliance/collectors/{collector.pk}/").content.decode()
    assert "Called at 23:10, recording reviewed." in page


def test_a_violation_form_with_missing_values_names_the_fields(as_user, supervisor, case):
    response = as_user(supervisor).post(f"/cases/{case.pk}/compliance/violation/", {})
    html = response.content.decode()
    for field in ("collector", "rule", "occurred_at", "description"):
        assert f'data-field="{field}"' in html
    assert not ComplianceViolation.objects.exists()


def test_a_call_of_another_case_is_404_on_the_violation_form(
    as_user, supervisor, case, agreement_a, collector
):
    other = make_case(agreement_a, assigned_to=collector)
    call = make_call(other, collector)
    assert (
        as_user(supervisor)
        .get(f"/cases/{case.pk}/compliance/violation/?call={call.pk}")
        .status_code
        == 404
    )


# --- The compliance page ------------------------------------------------------------------------


def test_the_compliance_page_shows_this_months_figures(as_user, supervisor, case, collector):
    make_call(case, collector)
    make_refusal(case, collector)
    make_override(case, collector, supervisor)
    make_violation(case, collector, supervisor)
    make_refusal(case, collector, at=timezone.now() - dt.timedelta(days=70))  # an older month
    html = as_user(supervisor).get("/cases/compliance/").content.decode()
    row = html.split(f'data-collector="{collector.pk}"')[1].split("</tr>")[0]
    assert 'data-figure="attempts">1<' in row
    assert 'data-figure="refusals">1<' in row
    assert 'data-figure="overrides">1' in row
    assert 'data-figure="violations">1<' in row
    assert "data-chart=" in html


def test_a_period_ending_before_it_starts_is_an_error_on_the_field(as_user, supervisor):
    response = as_user(supervisor).get("/cases/compliance/?start=2026-11-10&end=2026-11-01")
    assert response.status_code == 200
    assert 'data-field="end"' in response.content.decode()


def test_the_table_sorts_by_refusals(as_user, supervisor, case, collector, other_collector):
    make_refusal(case, collector)
    html = as_user(supervisor).get("/cases/compliance/?sort=-refusals").content.decode()
    assert html.index(f'data-collector="{collector.pk}"') < html.index(
        f'data-collector="{other_collector.pk}"'
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_is_not_cached(as_user, supervisor, case, collector, file_format):
    make_refusal(case, collector)
    response = as_user(supervisor).get(f"/cases/compliance/?export={file_format}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "csv":
        text = body.decode("utf-8-sig")
        assert collector.get_full_name() in text
        assert "Contact window: 1" in text
    else:
        assert body[:2] == b"PK"


def _signed_in(client):
    """The first page after signing in renews the session row (IdleSessionRenewalMiddleware,
    at most once a minute): take it before counting, so both counts are ordinary pages."""
    assert client.get("/").status_code in (200, 302)
    return client


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_compliance_page_queries_do_not_grow_with_collectors(
    as_user, supervisor, branch_a, agreement_a
):
    def add_collector_with_records():
        person = make_staff(roles.PHONE_COLLECTOR, branch=branch_a)
        worked = make_case(agreement_a, assigned_to=person)
        make_call(worked, person)
        make_refusal(worked, person)
        make_override(worked, person, supervisor)
        make_violation(worked, person, supervisor)

    add_collector_with_records()
    client = _signed_in(as_user(supervisor))
    one = _queries(client, "/cases/compliance/")
    for _ in range(29):
        add_collector_with_records()
    assert _queries(client, "/cases/compliance/") == one


def test_the_collector_page_and_refusals_queries_do_not_grow_with_rows(
    as_user, supervisor, case, collector
):
    def add_rows():
        make_call(case, collector)
        make_refusal(case, collector)
        make_override(case, collector, supervisor)
        make_violation(case, collector, supervisor)

    add_rows()
    client = _signed_in(as_user(supervisor))
    urls = [
        f"/cases/compliance/collectors/{collector.pk}/",
        "/cases/compliance/refusals/",
        f"/cases/{case.pk}/",
    ]
    counts = [_queries(client, url) for url in urls]
    for _ in range(29):
        add_rows()
    assert [_queries(client, url) for url in urls] == counts


# --- Rule sets -----------------------------------------------------------------------------------


@pytest.fixture
def hq_admin(hq):
    return make_staff(roles.ADMIN_STAFF, branch=hq, username="admin.hq")


def test_supervisors_read_rule_sets_without_edit_actions(as_user, supervisor):
    html = as_user(supervisor).get("/cases/compliance/rule-sets/").content.decode()
    assert "cn-2026" in html and "us-reg-f" in html
    assert 'data-action="make-company-default"' not in html
    assert 'data-action="edit-channel"' not in html
    us = ComplianceRuleSet.objects.get(code="us-reg-f")
    assert (
        as_user(supervisor).post(f"/cases/compliance/rule-sets/{us.pk}/company/").status_code == 403
    )


def test_hq_admin_makes_another_rule_set_the_companys(as_user, hq_admin):
    us = ComplianceRuleSet.objects.get(code="us-reg-f")
    client = as_user(hq_admin)
    assert (
        'data-action="make-company-default"'
        in client.get("/cases/compliance/rule-sets/").content.decode()
    )
    assert client.post(f"/cases/compliance/rule-sets/{us.pk}/company/").status_code == 302
    assert ComplianceRuleSet.objects.get(is_company_default=True).code == "us-reg-f"


def test_branch_admin_staff_may_not_edit_rules(as_user, branch_a):
    admin = make_staff(roles.ADMIN_STAFF, branch=branch_a)
    row = ComplianceChannelRules.objects.get(rule_set__code="cn-2026", channel="call")
    assert (
        as_user(admin).get(f"/cases/compliance/rule-sets/channels/{row.pk}/edit/").status_code
        == 403
    )


def test_editing_a_window_that_ends_before_it_starts_shows_the_error_on_the_field(
    as_user, hq_admin
):
    row = ComplianceChannelRules.objects.get(rule_set__code="cn-2026", channel="call")
    client = as_user(hq_admin)
    data = {
        "window_start": "08:00",
        "window_end": "07:00",
        "max_unanswered_per_point_per_day": "6",
        "third_party_only_when_unreachable": "on",
        "unreachable_after_failed_attempts": "6",
        "unreachable_within_days": "3",
        "recording_required": "on",
    }
    response = client.post(f"/cases/compliance/rule-sets/channels/{row.pk}/edit/", data)
    assert response.status_code == 200
    assert 'data-field="window_end"' in response.content.decode()
    row.refresh_from_db()
    assert row.window_end == dt.time(22, 0)

    data["window_end"] = "21:30"
    assert (
        client.post(f"/cases/compliance/rule-sets/channels/{row.pk}/edit/", data).status_code == 302
    )
    row.refresh_from_db()
    assert row.window_end == dt.time(21, 30)
    assert row.history.latest().history_user == hq_admin


def test_an_agreement_names_its_rule_set(as_user, agreement_a, branch_a):
    admin = make_staff(roles.ADMIN_STAFF, branch=branch_a)
    us = ComplianceRuleSet.objects.get(code="us-reg-f")
    client = as_user(admin)
    detail = client.get(f"/cases/agreements/{agreement_a.pk}/").content.decode()
    assert "The company&#x27;s rule set" in detail or "The company's rule set" in detail
    form = client.get(f"/cases/agreements/{agreement_a.pk}/edit/").content.decode()
    assert 'name="compliance_rule_set"' in form
    data = {
        "number": agreement_a.number,
        "signed_on": "2026-01-05",
        "effective_from": "2026-01-10",
        "branch": branch_a.pk,
        "commission_type": "flat",
        "flat_rate": "0.1200",
        "reconciliation_day": "25",
        "collection_period_days": str(agreement_a.collection_period_days),
        "compliance_rule_set": us.pk,
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/cases/agreements/{agreement_a.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Agreement.objects.get(pk=agreement_a.pk).compliance_rule_set == us
    assert us.name in client.get(f"/cases/agreements/{agreement_a.pk}/").content.decode()


def test_the_compliance_pages_speak_simplified_chinese(as_user, supervisor, refusal):
    supervisor.staff_profile.language = "zh-hans"
    supervisor.staff_profile.save()
    client = as_user(supervisor)
    assert "催收员合规情况" in client.get("/cases/compliance/").content.decode()
    listing = client.get("/cases/compliance/refusals/").content.decode()
    assert "被规则拒绝的联系" in listing and "联系时段" in listing


def test_the_collector_page_downloads_every_record_in_company_time(
    as_user, supervisor, case, collector
):
    import zoneinfo

    moment = dt.datetime(2026, 11, 3, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    make_refusal(case, collector, at=moment)
    make_override(case, collector, supervisor, at=moment)
    make_violation(case, collector, supervisor, at=moment)
    response = as_user(supervisor).get(
        f"/cases/compliance/collectors/{collector.pk}/?start=2026-11-01&end=2026-11-30&export=csv"
    )
    assert response["Cache-Control"] == "no-store"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 4  # the header and one line per record
    assert all("2026-11-03 23:30" in line for line in lines[1:])
    assert "debtor asked for a late call" in text and "called at 23:00" in text
    xlsx = as_user(supervisor).get(
        f"/cases/compliance/collectors/{collector.pk}/?start=2026-11-01&end=2026-11-30&export=xlsx"
    )
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_a_collector_downloads_only_their_own_records(as_user, collector, other_collector):
    client = as_user(collector)
    assert client.get(f"/cases/compliance/collectors/{collector.pk}/?export=csv").status_code == 200
    assert (
        client.get(f"/cases/compliance/collectors/{other_collector.pk}/?export=csv").status_code
        == 404
    )
