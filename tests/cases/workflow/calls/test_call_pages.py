"""Call pages: the calls panel and its form, the next case, a call's page, recordings."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.audio import tone_wav
from cases.models import CallLog, CallOutcome, Case, ComplianceRefusal
from cases.services.calls import call_log

from .conftest import assigned_case, shanghai, wav_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def afternoon(clock):
    clock(shanghai(2026, 3, 10, 15, 0))


def form_data(case, **fields):
    point = case.debtor.contact_points.filter(kind="phone").first()
    data = {
        "contact_point": str(point.pk),
        "party": "debtor",
        "started_at": "2026-03-10T14:55",
        "duration_seconds": "75",
        "outcome": str(CallOutcome.objects.get(code="contacted").pk),
        "notes": "Promised to call his bank",
        "action": "complete",
        "recording": wav_upload(),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_the_case_page_shows_the_calls_panel_to_its_collector(client, case_a, collector_a):
    client.force_login(collector_a)
    html = client.get(f"/cases/{case_a.pk}/").content.decode()
    assert 'id="call-form"' in html and "calls.js" in html
    # Numbers are masked in the form as on the rest of the page (full only by a reveal).
    assert "**********5678 · Debtor" in html and "+8613812345678" not in html


def test_a_supervisor_sees_calls_but_admin_staff_cannot_log(
    client, case_a, supervisor_a, staff_user, branch_a
):
    from staff import roles

    client.force_login(staff_user(roles.ADMIN_STAFF, branch=branch_a))
    html = client.get(f"/cases/{case_a.pk}/").content.decode()
    assert 'id="calls-panel"' in html and 'id="call-form"' not in html
    response = client.post(f"/cases/{case_a.pk}/calls/new/", form_data(case_a))
    assert response.status_code == 403


def test_logging_a_call_from_the_case_page(client, case_a, collector_a, afternoon):
    client.force_login(collector_a)
    response = client.post(f"/cases/{case_a.pk}/calls/new/", form_data(case_a))
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case_a.pk}/#panel-calls"
    call = CallLog.objects.get()
    assert call.status == "completed" and call.duration_seconds == 75
    # The form's time is the company's (Shanghai) time.
    assert call.started_at == shanghai(2026, 3, 10, 14, 55)
    html = client.get(f"/cases/{case_a.pk}/").content.decode()
    assert f"/cases/calls/{call.pk}/recording/" in html and "<audio" in html


def test_field_errors_are_shown_on_the_form(client, case_a, collector_a, afternoon):
    client.force_login(collector_a)
    callback = str(CallOutcome.objects.get(code="callback").pk)
    response = client.post(
        f"/cases/{case_a.pk}/calls/new/",
        form_data(
            case_a,
            outcome=callback,
            recording=SimpleUploadedFile("call.wav", b"GIF89a not audio", "audio/wav"),
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field-error="callback_at"' in html
    assert not CallLog.objects.exists()


def test_a_renamed_non_audio_file_is_refused_on_its_field(client, case_a, collector_a, afternoon):
    client.force_login(collector_a)
    response = client.post(
        f"/cases/{case_a.pk}/calls/new/",
        form_data(
            case_a, recording=SimpleUploadedFile("call.mp3", b"%PDF-1.4 x" * 10, "audio/mpeg")
        ),
    )
    assert response.status_code == 422
    assert 'data-field-error="recording"' in response.content.decode()


def test_an_out_of_window_call_shows_the_rule(client, case_a, collector_a, clock):
    clock(shanghai(2026, 3, 10, 22, 30))
    client.force_login(collector_a)
    response = client.post(
        f"/cases/{case_a.pk}/calls/new/", form_data(case_a, started_at="2026-03-10T22:14")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "22:14 is outside the contact window 08:00–22:00" in html
    assert "supervisor can grant an override" in html
    assert ComplianceRefusal.objects.count() == 1 and not CallLog.objects.exists()


def test_logging_from_the_queue_lands_on_the_next_case(client, agreement_a, collector_a, afternoon):
    now = timezone.now()
    first = assigned_case(
        agreement_a,
        collector_a,
        next_callback_at=now - dt.timedelta(hours=1),
        first_action_at=now,
        last_call_at=now,
        status="in_progress",
    )
    second = assigned_case(agreement_a, collector_a, assigned_at=now - dt.timedelta(minutes=10))
    client.force_login(collector_a)
    queue_page = client.get("/cases/queue/").content.decode()
    assert queue_page.index(first.account_no) < queue_page.index(second.account_no)
    response = client.post(f"/cases/{first.pk}/calls/new/", form_data(first, queue="from=queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/cases/{second.pk}/?")
    response = client.post(f"/cases/{second.pk}/calls/new/", form_data(second, queue="from=queue"))
    assert response["Location"].startswith("/cases/queue/")


def test_another_collectors_case_is_404_for_the_page_and_the_form(
    client, agreement_a, collector_a, collector_a2
):
    theirs = assigned_case(agreement_a, collector_a2)
    client.force_login(collector_a)
    assert client.get(f"/cases/{theirs.pk}/").status_code == 404
    assert client.post(f"/cases/{theirs.pk}/calls/new/", form_data(theirs)).status_code == 404


def test_a_recalled_case_takes_no_call(client, case_a, collector_a, afternoon):
    Case.objects.filter(pk=case_a.pk).update(status="recalled", recalled_at=timezone.now())
    client.force_login(collector_a)
    response = client.post(f"/cases/{case_a.pk}/calls/new/", form_data(case_a))
    assert response.status_code in (403, 404)
    assert not CallLog.objects.exists()


def test_the_case_page_query_count_is_constant_in_calls(
    client, case_a, collector_a, outcome, afternoon, django_assert_max_num_queries
):
    def add_call(minutes_ago):
        call_log(
            case=case_a,
            actor=collector_a,
            contact_point=case_a.debtor.contact_points.first(),
            party="debtor",
            started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
            duration_seconds=10,
            outcome=outcome("contacted"),
            recording=wav_upload(),
        )

    add_call(1)
    client.force_login(collector_a)
    with django_assert_max_num_queries(60) as one:
        client.get(f"/cases/{case_a.pk}/")
    for minutes in range(2, 31):
        Case.objects.filter(pk=case_a.pk).update(last_call_at=None)
        add_call(minutes)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(f"/cases/{case_a.pk}/")


# --- A call's page and its recording ---------------------------------------------------------


@pytest.fixture
def call(case_a, collector_a, outcome, afternoon):
    return call_log(
        case=case_a,
        actor=collector_a,
        contact_point=case_a.debtor.contact_points.first(),
        party="debtor",
        started_at=timezone.now() - dt.timedelta(minutes=5),
        duration_seconds=42,
        outcome=outcome("contacted"),
        recording=wav_upload(seconds=0.5),
    )


def test_the_recording_streams_whole_and_in_ranges(client, call, collector_a):
    client.force_login(collector_a)
    content = tone_wav(seconds=0.5)
    full = client.get(f"/cases/calls/{call.pk}/recording/")
    assert full.status_code == 200
    assert b"".join(full.streaming_content) == content
    assert full["Content-Type"] == "audio/wav"
    assert full["Accept-Ranges"] == "bytes"
    assert full["Cache-Control"] == "private, no-store"
    part = client.get(f"/cases/calls/{call.pk}/recording/", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(content)}"
    assert b"".join(part.streaming_content) == content[100:200]
    tail = client.get(f"/cases/calls/{call.pk}/recording/", HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == content[-10:]
    open_end = client.get(f"/cases/calls/{call.pk}/recording/", HTTP_RANGE="bytes=8000-")
    assert open_end.status_code == 206 and open_end["Content-Length"] == str(len(content) - 8000)
    beyond = client.get(f"/cases/calls/{call.pk}/recording/", HTTP_RANGE=f"bytes={len(content)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(content)}"


def test_another_collector_gets_404_for_the_call_and_its_recording(
    client, call, collector_a2, caplog
):
    client.force_login(collector_a2)
    assert client.get(f"/cases/calls/{call.pk}/").status_code == 404
    assert client.get(f"/cases/calls/{call.pk}/recording/").status_code == 404
    assert "scoped lookup missed" in caplog.text


def test_a_supervisor_of_another_branch_gets_404(client, call, staff_user, branch_b):
    from staff import roles

    client.force_login(staff_user(roles.SUPERVISOR, branch=branch_b))
    assert client.get(f"/cases/calls/{call.pk}/recording/").status_code == 404


def test_a_supervisor_corrects_a_call_on_its_page(client, call, supervisor_a):
    client.force_login(supervisor_a)
    refused = str(CallOutcome.objects.get(code="refused").pk)
    data = {
        "action": "correct",
        "outcome": refused,
        "party": "debtor",
        "duration_seconds": "42",
        "notes": "",
        "reason": "Listened to the recording",
    }
    assert client.post(f"/cases/calls/{call.pk}/", {**data, "reason": ""}).status_code == 422
    response = client.post(f"/cases/calls/{call.pk}/", data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.outcome.code == "refused"
    html = client.get(f"/cases/calls/{call.pk}/").content.decode()
    assert "Listened to the recording" in html


def test_a_collector_attaches_a_recording_to_a_draft(
    client, case_a, collector_a, outcome, afternoon
):
    draft = call_log(
        case=case_a,
        actor=collector_a,
        contact_point=case_a.debtor.contact_points.first(),
        party="debtor",
        started_at=timezone.now() - dt.timedelta(minutes=5),
        duration_seconds=42,
        outcome=outcome("contacted"),
        complete=False,
    )
    client.force_login(collector_a)
    html = client.get(f"/cases/calls/{draft.pk}/").content.decode()
    assert 'id="call-attach-form"' in html and 'id="call-correct-form"' not in html
    response = client.post(
        f"/cases/calls/{draft.pk}/", {"action": "attach", "recording": wav_upload()}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "completed"


def test_the_timeline_has_the_call(case_a, call, collector_a):
    from cases.timeline import case_timeline

    entries = case_timeline(case_a, user=collector_a).entries
    assert any(entry.kind == "call" and "Contacted" in entry.title for entry in entries)


__all__ = ["urlencode"]


def test_an_oversize_upload_is_refused_before_its_body_is_read(
    client, case_a, collector_a, settings, afternoon
):
    settings.CALL_RECORDING_MAX_BYTES = 1000
    client.force_login(collector_a)
    response = client.post(
        f"/cases/{case_a.pk}/calls/new/", form_data(case_a, recording=wav_upload(seconds=5))
    )
    assert response.status_code == 413
    assert 'id="recording-too-large"' in response.content.decode()
    assert not CallLog.objects.exists()


def test_hq_sees_the_recording_of_every_branch(client, call, staff_user, hq):
    from staff import roles

    client.force_login(staff_user(roles.SUPERVISOR, branch=hq))
    assert client.get(f"/cases/calls/{call.pk}/recording/").status_code == 200
