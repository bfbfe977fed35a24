"""In a real browser: a supervisor listens to a call's recording on the review page,
scores it against the checklist (a mark off the scale is refused), and confirms the low
score as a compliance violation."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from cases.audio import tone_wav
from cases.models import CallQualityReview, ComplianceViolation
from cases.services import quality
from tests.conftest import browser_login

from .conftest import assigned_case, completed_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_scores_a_call_beside_its_recording_and_confirms_a_violation(
    page, agreement_a, supervisor_a, collector_a
):
    call = completed_call(assigned_case(agreement_a, collector_a), collector_a)
    audio = tone_wav(seconds=1.0)
    call.telephony_recording_id = ""
    call.recording.save("review.wav", ContentFile(audio), save=False)
    call.recording_sha256 = hashlib.sha256(audio).hexdigest()
    call.recording_content_type = "audio/wav"
    call.recording_size = len(audio)
    call.save()

    browser_login(page, "sup.a")
    page.goto("/cases/quality/")
    page.click(f"#review-call-{call.pk}")
    page.wait_for_load_state("load")
    # The recording plays on the same page: the browser has read its length.
    page.wait_for_function("document.querySelector('#review-audio').duration > 0.5")
    for item in quality.active_items():
        page.select_option(f"#item_{item.code}", "1")
    page.select_option("#item_verified_party", "")  # left out: refused on the field
    page.click("#quality-save")
    expect(page.locator('.invalid-feedback[data-field="item_verified_party"]')).to_be_visible()
    assert not CallQualityReview.objects.exists()
    page.select_option("#item_verified_party", "1")
    page.fill("#quality-comment", "Raised voice, did not give the agency's name.")
    page.click("#quality-save")
    expect(page.locator("#review-score")).to_have_text("25 / 100")

    page.fill("#violation-description", "Threatening tone when the debtor refused.")
    page.click("#violation-confirm")
    expect(page.locator("#review-violation")).to_be_visible()
    violation = ComplianceViolation.objects.get()
    assert violation.call_id == call.pk and violation.collector == collector_a
    assert CallQualityReview.objects.get().confirmed_violation == violation
