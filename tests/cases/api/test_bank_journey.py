"""A bank's whole journey on the API, with a real Celery worker on Redis and PostgreSQL.

Only the key and the API: upload a placement, follow its progress to the end, read
the rejected rows, list its cases, recall one.
"""

from __future__ import annotations

import io

import pytest

from cases.models import Case
from tests.conftest import wait_for

from .builders import issue_key

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PLACEMENT = (
    "账号,姓名,身份证号,电话,本金,利息,费用,逾期日期\n"
    "JRN-001,王小明,110101199003078515,13812345678,1200.50,30.00,0,2026-08-01\n"
    "JRN-002,李四,110101199003078516,13900001111,800.00,0,0,2026-07-15\n"
    "JRN-003,赵六,,13700002222,-5.00,0,0,2026-07-15\n"
).encode("gb18030")


def test_bank_uploads_follows_reads_errors_lists_and_recalls(
    api, agreement_a, media_shared_with_worker
):
    _key, raw = issue_key(agreement_a.bank)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    upload = io.BytesIO(PLACEMENT)
    upload.name = "placement-gb18030.csv"

    response = api.post(
        "/api/v1/placements/", {"file": upload}, format="multipart", HTTP_IDEMPOTENCY_KEY="j-1"
    )
    assert response.status_code == 202, response.content
    self_link = response.json()["links"]["self"]

    def finished():
        data = api.get(self_link).json()
        return data if data["status"] in {"completed", "failed"} else None

    placement = wait_for(finished, timeout=60, message="the worker did not import the file")
    assert placement["status"] == "completed", placement
    assert placement["progress"] == 100
    assert (placement["rows_total"], placement["rows_created"], placement["rows_rejected"]) == (
        3,
        1,
        2,
    )

    errors = api.get(placement["links"]["errors"]).json()["results"]
    # Columns are named as in the bank's own header.
    rejected = {(error["row"], error["column"]) for error in errors if error["severity"] == "error"}
    assert rejected >= {(3, "身份证号"), (4, "本金")}

    cases = api.get("/api/v1/cases/?account_no=JRN-001").json()["results"]
    assert len(cases) == 1 and cases[0]["debtor"]["id_number_masked"] == "110101********8515"

    recall_url = f"/api/v1/cases/{cases[0]['id']}/recall/"
    recalled = api.post(recall_url, {"reason": "paid"}, format="json")
    assert recalled.status_code == 200
    assert Case.objects.get(pk=cases[0]["id"]).status == Case.Status.RECALLED
