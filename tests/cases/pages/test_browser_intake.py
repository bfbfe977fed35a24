"""In a real browser: admin staff upload a placement, watch it complete, find the case."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from collections_office.celery import app
from staff import roles
from tests.conftest import browser_login, click_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACEMENT = (
    "account_no,debtor_name,id_number,phones,address,principal,interest,fees,overdue_since\n"
    "BRW-0001,王小明,110101199003078515,13812345678,上海市浦东新区世纪大道1号,1200.50,30.00,0,2026-08-01\n"
    "BRW-0002,李四,110101199003078516,13900001111,北京市朝阳区建国路2号,800.00,0,0,2026-07-15\n"
).encode()


@pytest.fixture
def eager_celery():
    # Read before changing anything: Celery loads its configuration lazily, and must
    # get back exactly what it had (later tests need a real worker, not eager tasks).
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_admin_uploads_a_placement_and_finds_the_case_masked(
    page, staff_user, agreement_a, eager_celery, tmp_path
):
    staff_user(roles.ADMIN_STAFF, branch=agreement_a.branch, username="admin.browser")
    upload = tmp_path / "placement.csv"
    upload.write_bytes(PLACEMENT)

    browser_login(page, "admin.browser")
    click_nav(page, "nav-placements")
    page.click("#upload-placement")
    page.select_option("#id_bank", str(agreement_a.bank.pk))
    page.set_input_files("#id_file", str(upload))
    page.click("#upload-submit")

    page.wait_for_url("**/cases/placements/*/", timeout=60_000)
    # The import runs eagerly in the upload request; if it is still running, the page
    # polls (htmx) and reloads itself when it is done.
    page.locator('[data-status="completed"]').wait_for(timeout=60_000)
    assert page.locator("#progress-percent").inner_text() == "100%"
    assert page.locator("#rows-created").inner_text() == "1"
    assert page.locator("#rows-rejected").inner_text() == "1"  # the bad ID checksum
    assert "id_number" in page.locator("#row-errors").inner_text()

    click_nav(page, "nav-cases")
    page.fill("#filter-q", "BRW-0001")
    page.click("#case-search")
    page.get_by_role("link", name="BRW-0001").click()
    page.wait_for_url("**/cases/*/")
    assert page.locator("#debtor-id").inner_text() == "110101********8515"
    assert "5678" in page.locator("#debtor-phones").inner_text()
    assert "13812345678" not in page.content()
    assert Case.objects.filter(account_no="BRW-0001").exists()


def test_progress_updates_live_without_a_reload_by_the_user(page, staff_user, agreement_a):
    from cases.models import Placement
    from tests.cases.api.builders import make_placement

    staff_user(roles.ADMIN_STAFF, branch=agreement_a.branch, username="admin.live")
    placement = make_placement(
        agreement_a, status=Placement.Status.PROCESSING, rows_total=10, rows_done=4
    )
    browser_login(page, "admin.live")

    page.goto("/cases/placements/")
    row = page.locator(f'tr[data-placement="{placement.pk}"]')
    assert row.locator("progress").get_attribute("value") == "4"
    Placement.objects.filter(pk=placement.pk).update(rows_done=7)
    # The CSP forbids eval, so no wait_for_function: expect() polls the DOM instead.
    expect(row.locator("progress")).to_have_attribute("value", "7", timeout=15_000)

    page.goto(f"/cases/placements/{placement.pk}/")
    assert page.locator("#progress-percent").inner_text() == "70%"
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.COMPLETED, rows_done=10, rows_created=10
    )
    page.locator('[data-status="completed"]').wait_for()
    assert page.locator("#progress-percent").inner_text() == "100%"
    assert page.locator("#rows-created").inner_text() == "10"
