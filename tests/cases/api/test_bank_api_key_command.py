"""`manage.py bank_api_key issue|revoke|list`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import BankApiKey
from cases.services.banks import api_key_hash

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("bank_api_key", *args, stdout=out)
    return out.getvalue()


def test_issue_prints_the_key_once_alone_on_the_last_line(api, bank_a):
    output = run("issue", "--bank", bank_a.code, "--name", "nightly upload", "--expires-days", "30")
    raw = output.strip().splitlines()[-1]
    key = BankApiKey.objects.get(bank=bank_a)
    assert raw.startswith(key.prefix + "_")
    assert key.key_hash == api_key_hash(raw)
    assert key.name == "nightly upload"
    assert key.expires_at is not None
    assert output.count(raw) == 1
    assert api.get("/api/v1/placements/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_issue_for_an_unknown_bank_fails_clearly(db):
    with pytest.raises(CommandError, match="No bank with code"):
        run("issue", "--bank", "nope")


def test_revoke_by_prefix_and_list_never_show_secrets(api, bank_a):
    raw = run("issue", "--bank", bank_a.code).strip().splitlines()[-1]
    key = BankApiKey.objects.get(bank=bank_a)
    assert "revoked" in run("revoke", "--prefix", key.prefix)
    assert "already revoked" in run("revoke", "--prefix", key.prefix)
    listing = run("list")
    assert key.prefix in listing and "revoked" in listing
    assert raw not in listing
    assert api.get("/api/v1/placements/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    with pytest.raises(CommandError):
        run("revoke", "--prefix", "co_missing")
