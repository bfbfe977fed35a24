"""The OpenAPI schema is valid and complete; the docs page is served."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_spectacular_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    schema = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/v1/placements/",
        "/api/v1/placements/{id}/errors/",
        "/api/v1/cases/",
        "/api/v1/cases/{id}/recall/",
    ):
        assert f"{path}:" in schema
    assert "scheme: bearer" in schema


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_key(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.parametrize(("query", "suffix"), [("", "yaml"), ("?format=json", "json")])
def test_the_schema_is_shown_inline_with_a_well_formed_content_disposition(client, query, suffix):
    response = client.get(f"/api/schema/{query}")

    assert response.status_code == 200
    # Not an RFC 2047 word ("=?utf-8?q?inline…"), which browsers do not parse.
    assert response["Content-Disposition"] == (
        f'inline; filename="collections-office-bank-api.{suffix}"'
    )
