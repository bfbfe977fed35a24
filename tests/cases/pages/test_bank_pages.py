"""Banks, agreements and API keys pages: admin staff only, scoped, with history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Agreement, Bank, BankApiKey
from cases.services.banks import api_key_hash, bank_column_mapping_set, bank_update

pytestmark = pytest.mark.django_db

BANK_POST = {
    "name": "招商银行",
    "code": "cmb",
    "routine_contact_name": "Ops desk",
    "routine_contact_email": "ops@cmb.example.com",
    "routine_contact_phone": "+862100000000",
    "file_transfer_channel": "REST API",
    "emergency_contact_name": "Duty officer",
    "emergency_contact_phone": "+8613800000000",
    "is_active": "on",
}


def test_anonymous_is_sent_to_login(client, bank_a):
    for url in (
        "/cases/banks/",
        f"/cases/banks/{bank_a.pk}/",
        "/cases/keys/",
        "/cases/agreements/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["supervisor_a", "collector_a", "front_desk_a", "manager_a"])
def test_other_roles_cannot_open_bank_pages(request, as_user, bank_a, agreement_a, who):
    client = as_user(request.getfixturevalue(who))
    for url in (
        "/cases/banks/",
        f"/cases/banks/{bank_a.pk}/",
        "/cases/banks/new/",
        "/cases/keys/",
        "/cases/agreements/",
        f"/cases/agreements/{agreement_a.pk}/",
        f"/cases/banks/{bank_a.pk}/keys/new/",
    ):
        assert client.get(url).status_code == 403, url


def test_collectors_see_no_bank_links_in_the_navigation(as_user, collector_a):
    html = as_user(collector_a).get("/").content.decode()
    assert 'id="nav-banks"' not in html and 'id="nav-placements"' not in html


def test_admin_staff_registers_a_bank_with_history(as_user, admin_a):
    client = as_user(admin_a)
    response = client.post("/cases/banks/new/", BANK_POST)
    bank = Bank.objects.get(code="cmb")
    assert response.status_code == 302 and response["Location"] == f"/cases/banks/{bank.pk}/"
    record = bank.history.get()
    assert record.history_user == admin_a
    assert record.history_change_reason == "Bank registered"
    page = client.get(f"/cases/banks/{bank.pk}/").content.decode()
    assert "招商银行" in page and "Bank registered" in page


def test_bank_needs_both_contact_channels(as_user, admin_a):
    data = {**BANK_POST, "emergency_contact_phone": "", "routine_contact_email": ""}
    response = as_user(admin_a).post("/cases/banks/new/", data)
    assert response.status_code == 200
    assert not Bank.objects.filter(code="cmb").exists()
    html = response.content.decode()
    assert 'data-field="emergency_contact_phone"' in html
    assert 'data-field="routine_contact_email"' in html


def test_edit_bank_records_who_changed_what(as_user, admin_hq, bank_a):
    client = as_user(admin_hq)
    data = {**BANK_POST, "code": bank_a.code, "name": "Bank A renamed"}
    assert client.post(f"/cases/banks/{bank_a.pk}/edit/", data).status_code == 302
    bank_a.refresh_from_db()
    assert bank_a.name == "Bank A renamed"
    assert bank_a.history.first().history_user == admin_hq
    assert "Bank A renamed" in client.get(f"/cases/banks/{bank_a.pk}/").content.decode()


def test_column_mapping_is_validated_against_our_fields(as_user, admin_hq, bank_a):
    client = as_user(admin_hq)
    url = f"/cases/banks/{bank_a.pk}/mapping/"
    assert client.get(url).status_code == 200
    form = {
        "mapping-TOTAL_FORMS": "3",
        "mapping-INITIAL_FORMS": "0",
        "mapping-MIN_NUM_FORMS": "0",
        "mapping-MAX_NUM_FORMS": "60",
        "mapping-0-header": "客户账号",
        "mapping-0-target": "account_no",
        "mapping-1-header": "备注",
        "mapping-1-target": "",
        "mapping-2-header": "",
        "mapping-2-target": "",
    }
    assert client.post(url, form).status_code == 302
    bank_a.refresh_from_db()
    assert bank_a.column_mapping == {"客户账号": "account_no", "备注": ""}
    bad = {**form, "mapping-1-target": "balance_owed"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "balance_owed" in response.content.decode()
    twice = {**form, "mapping-1-header": "证件", "mapping-1-target": "account_no"}
    response = client.post(url, twice)
    assert response.status_code == 200
    assert "more than one header" in response.content.decode()
    bank_a.refresh_from_db()
    assert bank_a.column_mapping == {"客户账号": "account_no", "备注": ""}


def test_a_header_typed_twice_is_refused_by_the_service_not_folded_away(as_user, admin_hq, bank_a):
    form = {
        "mapping-TOTAL_FORMS": "2",
        "mapping-INITIAL_FORMS": "0",
        "mapping-MIN_NUM_FORMS": "0",
        "mapping-MAX_NUM_FORMS": "60",
        "mapping-0-header": "客户账号",
        "mapping-0-target": "account_no",
        "mapping-1-header": "客户账号",
        "mapping-1-target": "debtor_name",
    }
    response = as_user(admin_hq).post(f"/cases/banks/{bank_a.pk}/mapping/", form)
    assert response.status_code == 200
    assert "mapped twice" in response.content.decode()
    with pytest.raises(ValidationError, match="mapped twice"):
        bank_column_mapping_set(
            bank=bank_a, mapping=[("A", "account_no"), ("A", "debtor_name")], actor=admin_hq
        )


# --- Bank-level settings belong to HQ (docs/decisions.md) ---------------------------------


def test_branch_admin_staff_read_a_bank_but_cannot_change_its_details_or_mapping(
    as_user, admin_a, bank_a, agreement_a
):
    client = as_user(admin_a)
    page = client.get(f"/cases/banks/{bank_a.pk}/").content.decode()
    assert 'id="edit-bank"' not in page and 'id="edit-mapping"' not in page
    for url in (f"/cases/banks/{bank_a.pk}/edit/", f"/cases/banks/{bank_a.pk}/mapping/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {**BANK_POST, "code": bank_a.code}).status_code == 403, url
    bank_a.refresh_from_db()
    assert bank_a.name == "Bank A"
    # Their own agreements stay theirs.
    assert client.get(f"/cases/agreements/{agreement_a.pk}/edit/").status_code == 200


def test_the_services_refuse_bank_settings_changes_by_branch_admin_staff(admin_a, bank_a):
    with pytest.raises(PermissionDenied):
        bank_update(bank=bank_a, actor=admin_a, name="Renamed by a branch")
    with pytest.raises(PermissionDenied):
        bank_column_mapping_set(bank=bank_a, mapping={"账号": "account_no"}, actor=admin_a)
    bank_a.refresh_from_db()
    assert bank_a.name == "Bank A" and bank_a.column_mapping == {}


def test_hq_admin_staff_see_the_edit_links(as_user, admin_hq, bank_a):
    page = as_user(admin_hq).get(f"/cases/banks/{bank_a.pk}/").content.decode()
    assert 'id="edit-bank"' in page and 'id="edit-mapping"' in page


def _agreement_post(branch, **overrides):
    data = {
        "number": "CMB-2026-01",
        "signed_on": "2026-01-05",
        "effective_from": "2026-01-10",
        "terminates_on": "",
        "branch": branch.pk,
        "commission_type": "flat",
        "flat_rate": "0.1200",
        "reconciliation_day": "25",
        "collection_period_days": "30",
        "notes": "",
        "rates-TOTAL_FORMS": "5",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "5",
    }
    for index in range(5):
        data[f"rates-{index}-bucket"] = ""
        data[f"rates-{index}-rate"] = ""
    data.update(overrides)
    return data


def test_admin_staff_files_a_flat_agreement_with_its_document(as_user, admin_a, bank_a, branch_a):
    client = as_user(admin_a)
    document = SimpleUploadedFile("agreement.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    data = _agreement_post(branch_a, document=document)
    response = client.post(f"/cases/banks/{bank_a.pk}/agreements/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get(bank=bank_a, number="CMB-2026-01")
    assert agreement.flat_rate == Decimal("0.1200")
    assert agreement.history.get().history_user == admin_a
    download = client.get(f"/cases/agreements/{agreement.pk}/document/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_agreement_by_bucket_keeps_its_rates(as_user, admin_a, bank_a, branch_a):
    client = as_user(admin_a)
    data = _agreement_post(
        branch_a,
        commission_type="by_bucket",
        flat_rate="",
        **{
            "rates-0-bucket": "M1",
            "rates-0-rate": "0.1000",
            "rates-1-bucket": "M6+",
            "rates-1-rate": "0.3000",
        },
    )
    assert client.post(f"/cases/banks/{bank_a.pk}/agreements/new/", data).status_code == 302
    agreement = Agreement.objects.get(bank=bank_a)
    assert dict(agreement.bucket_rates.values_list("bucket", "rate")) == {
        "M1": Decimal("0.1000"),
        "M6+": Decimal("0.3000"),
    }
    assert agreement.flat_rate is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"flat_rate": ""}, "flat_rate"),
        ({"reconciliation_day": "31"}, "reconciliation_day"),
        ({"terminates_on": "2025-01-01"}, None),
        ({"commission_type": "by_bucket", "flat_rate": ""}, "rates"),
        ({"document": "evil"}, None),
    ],
)
def test_bad_agreement_input_names_the_field(as_user, admin_a, bank_a, branch_a, overrides, field):
    data = _agreement_post(branch_a, **overrides)
    if overrides.get("document"):
        data["document"] = SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-exe")
        field = "document"
    response = as_user(admin_a).post(f"/cases/banks/{bank_a.pk}/agreements/new/", data)
    assert response.status_code == 200
    assert not Agreement.objects.exists()
    html = response.content.decode()
    if field == "rates":
        assert 'id="rate-errors"' in html
    elif field:
        assert f'data-field="{field}"' in html
    else:
        assert "alert-danger" in html


def test_branch_admin_cannot_see_or_edit_another_branchs_agreement(as_user, admin_a, agreement_b):
    client = as_user(admin_a)
    assert client.get(f"/cases/agreements/{agreement_b.pk}/").status_code == 404
    assert client.get(f"/cases/agreements/{agreement_b.pk}/edit/").status_code == 404
    assert client.get(f"/cases/agreements/{agreement_b.pk}/document/").status_code == 404
    assert agreement_b.number not in client.get("/cases/agreements/").content.decode()


def test_hq_admin_sees_every_branchs_agreements(as_user, admin_hq, agreement_a, agreement_b):
    html = as_user(admin_hq).get("/cases/agreements/").content.decode()
    assert agreement_a.number in html and agreement_b.number in html


def test_agreement_edit_keeps_history(as_user, admin_a, agreement_a, branch_a):
    client = as_user(admin_a)
    data = _agreement_post(branch_a, number=agreement_a.number, flat_rate="0.1500")
    assert client.post(f"/cases/agreements/{agreement_a.pk}/edit/", data).status_code == 302
    agreement_a.refresh_from_db()
    assert agreement_a.flat_rate == Decimal("0.1500")
    page = client.get(f"/cases/agreements/{agreement_a.pk}/").content.decode()
    assert "Agreement changed" in page and "Flat commission rate" in page


def test_api_key_is_shown_once_and_stored_hashed(as_user, admin_a, agreement_a):
    client = as_user(admin_a)
    bank = agreement_a.bank
    response = client.post(
        f"/cases/banks/{bank.pk}/keys/new/", {"name": "nightly upload", "expires_in_days": "90"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = BankApiKey.objects.get(bank=bank)
    html = response.content.decode()
    start = html.index('id="issued-key">') + len('id="issued-key">')
    raw = html[start : html.index("</code>", start)]
    assert raw.startswith(key.prefix) and key.key_hash == api_key_hash(raw)
    assert key.created_by == admin_a
    assert key.expires_at.date() > dt.date.today()
    for url in (f"/cases/banks/{bank.pk}/", "/cases/keys/"):
        page = client.get(url).content.decode()
        assert key.prefix in page and raw not in page


def test_api_key_revoke_from_the_list(as_user, admin_a, agreement_a):
    from tests.cases.api.builders import issue_key

    key, _raw = issue_key(agreement_a.bank)
    client = as_user(admin_a)
    assert client.post(f"/cases/keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert key.history.first().history_user == admin_a


def test_branch_admin_cannot_issue_or_revoke_keys_of_another_branchs_bank(
    as_user, admin_a, agreement_a, agreement_b
):
    from tests.cases.api.builders import issue_key

    key_b, _raw = issue_key(agreement_b.bank)
    client = as_user(admin_a)
    assert client.get(f"/cases/banks/{agreement_b.bank.pk}/keys/new/").status_code == 404
    assert client.post(f"/cases/keys/{key_b.pk}/revoke/").status_code == 404
    key_b.refresh_from_db()
    assert key_b.revoked_at is None
    assert key_b.prefix not in client.get("/cases/keys/").content.decode()


def test_hq_admin_issues_and_revokes_keys_of_every_branchs_banks(
    as_user, admin_hq, agreement_a, agreement_b
):
    from tests.cases.api.builders import issue_key

    key_b, _raw = issue_key(agreement_b.bank)
    client = as_user(admin_hq)
    assert client.get(f"/cases/banks/{agreement_a.bank.pk}/keys/new/").status_code == 200
    assert client.post(f"/cases/keys/{key_b.pk}/revoke/").status_code == 302
    key_b.refresh_from_db()
    assert key_b.revoked_at is not None


def test_bank_pages_use_a_bounded_number_of_queries(
    as_user, admin_hq, agreement_a, django_assert_max_num_queries
):
    from tests.cases.api.builders import issue_key

    for _ in range(5):
        issue_key(agreement_a.bank)
    client = as_user(admin_hq)
    for url in (
        "/cases/banks/",
        f"/cases/banks/{agreement_a.bank.pk}/",
        "/cases/keys/",
        "/cases/agreements/",
        f"/cases/agreements/{agreement_a.pk}/",
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200, url
