"""Logging a call: field checks, the recording, drafts, corrections, the case's bookkeeping."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from cases.audio import tone_wav
from cases.models import CallLog, Case, ContactPoint
from cases.services.calls import call_attach_recording, call_complete, call_correct, call_log
from tests.cases.api.builders import make_debtor

from .conftest import assigned_case, shanghai, wav_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def noon(clock):
    clock(shanghai(2026, 3, 10, 12, 0))
    return shanghai(2026, 3, 10, 12, 0)


@pytest.fixture
def log(outcome, noon):
    def log_call(case, actor, **fields):
        fields.setdefault("party", "debtor")
        fields.setdefault("started_at", noon - dt.timedelta(minutes=5))
        fields.setdefault("duration_seconds", 60)
        fields.setdefault("outcome", outcome("contacted"))
        if "contact_point" not in fields and "new_number" not in fields:
            fields["contact_point"] = case.debtor.contact_points.filter(kind="phone").first()
        if "recording" not in fields and "telephony_recording_id" not in fields:
            fields["recording"] = wav_upload()
        return call_log(case=case, actor=actor, **fields)

    return log_call


def stored_files() -> list[str]:
    try:
        return [
            f"{year}/{month}/{name}"
            for year in default_storage.listdir("recordings")[0]
            for month in default_storage.listdir(f"recordings/{year}")[0]
            for name in default_storage.listdir(f"recordings/{year}/{month}")[1]
        ]
    except FileNotFoundError:
        return []


def test_a_call_with_a_recording_is_completed_and_kept_with_its_checksum(log, case_a, collector_a):
    call = log(case_a, collector_a)
    call.refresh_from_db()
    assert call.status == CallLog.Status.COMPLETED and call.completed_at is not None
    content = tone_wav(seconds=0.2)
    assert call.recording_sha256 == hashlib.sha256(content).hexdigest()
    assert call.recording_size == len(content)
    assert call.recording_content_type == "audio/wav"
    # A random name, not the uploader's.
    assert "call" not in call.recording.name.rsplit("/", 1)[1]
    assert call.recording.name.endswith(".wav")
    assert call.history.count() == 1 and call.history.first().history_user == collector_a


def test_the_case_records_last_call_contact_and_first_action(log, case_a, collector_a, noon):
    call = log(case_a, collector_a)
    case_a.refresh_from_db()
    assert case_a.last_call_at == call.started_at
    assert case_a.last_contact_at == call.started_at
    assert case_a.first_action_at is not None
    assert case_a.status == Case.Status.IN_PROGRESS


def test_an_unanswered_call_is_no_contact(log, case_a, collector_a, outcome):
    call = log(case_a, collector_a, outcome=outcome("no_answer"))
    case_a.refresh_from_db()
    assert call.party == "nobody"  # nobody answered, whatever the form said
    assert case_a.last_call_at == call.started_at and case_a.last_contact_at is None


def test_a_callback_is_set_then_cleared_by_a_later_call(log, case_a, collector_a, outcome, noon):
    later = noon + dt.timedelta(hours=3)
    log(case_a, collector_a, outcome=outcome("callback"), callback_at=later)
    case_a.refresh_from_db()
    assert case_a.next_callback_at == later
    log(
        case_a, collector_a, outcome=outcome("no_answer"), started_at=noon - dt.timedelta(minutes=1)
    )
    case_a.refresh_from_db()
    assert case_a.next_callback_at is None


def test_an_earlier_call_logged_late_does_not_clear_the_callback(
    log, case_a, collector_a, outcome, noon
):
    later = noon + dt.timedelta(hours=3)
    log(case_a, collector_a, outcome=outcome("callback"), callback_at=later)
    log(case_a, collector_a, outcome=outcome("no_answer"), started_at=noon - dt.timedelta(hours=2))
    case_a.refresh_from_db()
    assert case_a.next_callback_at == later


@pytest.mark.parametrize(
    ("callback", "message"),
    [(None, "Enter when to call back."), (-60, "The callback time must be in the future.")],
)
def test_a_callback_outcome_needs_a_future_time(
    log, case_a, collector_a, outcome, noon, callback, message
):
    callback_at = None if callback is None else noon + dt.timedelta(minutes=callback)
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a, outcome=outcome("callback"), callback_at=callback_at)
    assert error.value.message_dict["callback_at"] == [message]
    assert not CallLog.objects.exists()


def test_a_call_cannot_start_in_the_future(log, case_a, collector_a, noon):
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a, started_at=noon + dt.timedelta(hours=1))
    assert "started_at" in error.value.message_dict


def test_missing_values_are_named_by_field(case_a, collector_a, noon):
    with pytest.raises(ValidationError) as error:
        call_log(
            case=case_a,
            actor=collector_a,
            party="",
            started_at=None,
            duration_seconds=-1,
            outcome=None,
            contact_point=None,
        )
    assert {"outcome", "started_at", "duration_seconds", "party"} <= set(error.value.message_dict)


# --- Recordings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("call.wav", b"", content_type="audio/wav"), "empty"),
        (
            SimpleUploadedFile("call.mp3", b"%PDF-1.7 not audio at all", content_type="audio/mpeg"),
            "not an audio recording",
        ),
        (SimpleUploadedFile("notes.mp3", b"MZ\x90\x00" * 100, content_type="audio/mpeg"), "not an"),
    ],
)
def test_empty_and_renamed_non_audio_files_are_refused(log, case_a, collector_a, upload, message):
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a, recording=upload)
    assert message in error.value.message_dict["recording"][0]
    assert not CallLog.objects.exists() and stored_files() == []


def test_an_oversize_recording_is_refused(log, case_a, collector_a, settings):
    settings.CALL_RECORDING_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a, recording=wav_upload(seconds=1))
    assert "largest accepted" in error.value.message_dict["recording"][0]
    assert stored_files() == []


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00\x00\x00\x00", "audio/mpeg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"#!AMR\n\x3c\x00\x00\x00", "audio/amr"),
        (b"OggS\x00\x02\x00\x00\x00\x00", "audio/ogg"),
    ],
)
def test_the_type_comes_from_the_bytes_not_the_name(log, case_a, collector_a, head, content_type):
    upload = SimpleUploadedFile("recording.txt", head + b"\x00" * 64, content_type="text/plain")
    call = log(case_a, collector_a, recording=upload)
    assert call.recording_content_type == content_type


def test_a_call_without_a_recording_stays_a_draft_and_cannot_be_completed(
    log, case_a, collector_a, outcome
):
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a, recording=None, complete=True)
    assert "requires a recording" in error.value.message_dict["recording"][0]
    draft = log(case_a, collector_a, recording=None, complete=False)
    assert draft.status == CallLog.Status.DRAFT
    with pytest.raises(ValidationError):
        call_complete(call=draft, actor=collector_a)
    draft.refresh_from_db()
    assert draft.status == CallLog.Status.DRAFT


def test_a_draft_is_completed_once_its_recording_is_attached(log, case_a, collector_a):
    draft = log(case_a, collector_a, recording=None, complete=False)
    call_attach_recording(call=draft, actor=collector_a, recording=wav_upload())
    draft.refresh_from_db()
    assert draft.status == CallLog.Status.COMPLETED and draft.recording_sha256
    with pytest.raises(ValidationError):
        call_attach_recording(call=draft, actor=collector_a, telephony_recording_id="PBX-2")


def test_a_telephony_recording_id_completes_a_call(log, case_a, collector_a):
    call = log(case_a, collector_a, recording=None, telephony_recording_id="PBX-2026-0001")
    assert call.status == CallLog.Status.COMPLETED and not call.recording


def test_the_file_is_removed_when_the_call_is_not_written(log, case_a, collector_a, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(CallLog, "save", broken_save)
    with pytest.raises(RuntimeError):
        log(case_a, collector_a)
    assert stored_files() == []


# --- Scoping --------------------------------------------------------------------------------


def test_another_collectors_case_is_not_found(log, agreement_a, collector_a, collector_a2):
    theirs = assigned_case(agreement_a, collector_a2)
    with pytest.raises(Http404):
        log(theirs, collector_a)
    assert not CallLog.objects.exists()


def test_a_number_of_another_debtor_is_refused(log, case_a, collector_a):
    stranger = make_debtor(name="Li Si", id_number="110101198001010019", phones=("+8613900000000",))
    with pytest.raises(Http404):
        log(case_a, collector_a, contact_point=stranger.contact_points.get())
    assert not CallLog.objects.exists()


def test_a_recalled_case_is_refused(log, case_a, collector_a):
    Case.objects.filter(pk=case_a.pk).update(status="recalled", recalled_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a)
    assert "recalled" in error.value.messages[0].lower()
    assert stored_files() == []


def test_an_invalid_number_is_refused(log, case_a, collector_a, phone_a):
    ContactPoint.objects.filter(pk=phone_a.pk).update(is_valid=False, invalid_reason="disconnected")
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a, contact_point=phone_a)
    assert "disconnected" in error.value.message_dict["contact_point"][0]


def test_a_new_number_is_added_with_the_call(log, case_a, collector_a):
    call = log(case_a, collector_a, new_number="139 0000 2222")
    assert call.contact_point.value == "+8613900002222"
    assert call.contact_point.added_by == collector_a


def test_a_bad_new_number_is_named_on_its_field(log, case_a, collector_a):
    with pytest.raises(ValidationError) as error:
        log(case_a, collector_a, new_number="12")
    assert "new_number" in error.value.message_dict
    assert case_a.debtor.contact_points.count() == 1


# --- Corrections ---------------------------------------------------------------------------


def test_a_supervisor_corrects_a_call_with_history(log, case_a, collector_a, supervisor_a, outcome):
    call = log(case_a, collector_a)
    call_correct(
        call=call, actor=supervisor_a, reason="Debtor only said hello", outcome=outcome("refused")
    )
    call.refresh_from_db()
    assert call.outcome.code == "refused"
    last = call.history.first()
    assert (
        last.history_user == supervisor_a and last.history_change_reason == "Debtor only said hello"
    )
    assert call.history.count() == 2


def test_a_collector_cannot_correct_a_call(log, case_a, collector_a, outcome):
    call = log(case_a, collector_a)
    with pytest.raises(PermissionDenied):
        call_correct(call=call, actor=collector_a, reason="oops", notes="changed")


def test_a_correction_needs_a_reason(log, case_a, collector_a, supervisor_a):
    call = log(case_a, collector_a)
    with pytest.raises(ValidationError) as error:
        call_correct(call=call, actor=supervisor_a, reason="  ", notes="changed")
    assert "reason" in error.value.message_dict
