"""Visit plans (approved through the approvals framework), visit reports (audio required,
photos checked), the supervisor's review, deadline extensions and safety alerts: each
state machine's allowed and refused moves, and bad input that writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.dashboard_visits import safety_alerts_panel
from cases.models import (
    SafetyAlert,
    VisitDeadlineExtension,
    VisitNomination,
    VisitPhoto,
    VisitPlan,
    VisitReport,
)
from cases.services import visits as visit_services
from collections_office.workdays import company_today, local_date
from staff.models import Notification

from .conftest import case_for, decide, nominate, wav
from .rows import PNG

pytestmark = pytest.mark.django_db


def stored_files() -> set[str]:
    names = set()
    for folder in ("recordings", "visit-photos"):
        if not default_storage.exists(folder):
            continue
        stack = [folder]
        while stack:
            current = stack.pop()
            dirs, files = default_storage.listdir(current)
            stack.extend(f"{current}/{d}" for d in dirs)
            names.update(f"{current}/{f}" for f in files)
    return names


def plan(field_collector, nominations, **fields):
    fields.setdefault("visit_date", company_today())
    return visit_services.visit_plan_submit(
        actor=field_collector, nomination_ids=[n.pk for n in nominations], **fields
    )


def report(nomination, field_collector, **fields):
    fields.setdefault("visited_at", timezone.now())
    fields.setdefault("place", "At the debtor's door")
    fields.setdefault("met", "debtor")
    fields.setdefault("outcome", VisitReport.Outcome.PROMISED)
    fields.setdefault("recording", wav())
    return visit_services.visit_report_file(nomination=nomination, actor=field_collector, **fields)


@pytest.fixture
def planned(case_a, phone_a, field_a, supervisor_a):
    """A visit on field_a's list in an approved plan."""
    nomination = nominate(case_a, phone_a, field_a)
    visit_plan = plan(field_a, [nomination])
    decide(visit_plan, by=supervisor_a)
    return nomination


# --- Plans ---------------------------------------------------------------------------


def test_a_plan_goes_to_the_supervisor_and_their_approval_approves_it(
    case_a, agreement_a, phone_a, field_a, supervisor_a
):
    first = nominate(case_a, phone_a, field_a)
    second = nominate(case_for(agreement_a, phone_a), phone_a, field_a)
    visit_plan = plan(field_a, [second, first])
    assert visit_plan.status == VisitPlan.Status.SUBMITTED
    assert [s.nomination for s in visit_plan.stops.order_by("position")] == [second, first]
    decide(visit_plan, by=supervisor_a, comment="Fine")
    visit_plan.refresh_from_db()
    assert visit_plan.status == VisitPlan.Status.APPROVED
    assert visit_plan.decided_by == supervisor_a
    assert visit_services.nomination_in_approved_plan(first)


def test_a_returned_plan_leaves_its_visits_unplanned(case_a, phone_a, field_a, supervisor_a):
    nomination = nominate(case_a, phone_a, field_a)
    visit_plan = plan(field_a, [nomination])
    decide(visit_plan, by=supervisor_a, approve=False, comment="Visit the far one first")
    visit_plan.refresh_from_db()
    assert visit_plan.status == VisitPlan.Status.RETURNED
    assert not visit_services.nomination_in_approved_plan(nomination)
    plan(field_a, [nomination])  # a new plan may take the visit again


def test_a_plan_with_a_case_not_on_the_list_is_refused_and_writes_nothing(
    agreement_a, case_a, phone_a, field_a, field_a2
):
    mine = nominate(case_a, phone_a, field_a)
    theirs = nominate(case_for(agreement_a, phone_a), phone_a, field_a2)
    with pytest.raises(ValidationError) as error:
        plan(field_a, [mine, theirs])
    assert "stops" in error.value.message_dict
    assert not VisitPlan.objects.exists()


@pytest.mark.parametrize(
    ("ids", "field"), [([], "stops"), ("twice", "stops"), ("past", "visit_date")]
)
def test_bad_plans_are_refused_on_their_field(case_a, phone_a, field_a, ids, field):
    nomination = nominate(case_a, phone_a, field_a)
    kwargs = {}
    if ids == "twice":
        nominations = [nomination, nomination]
    elif ids == "past":
        nominations = [nomination]
        kwargs["visit_date"] = company_today() - dt.timedelta(days=1)
    else:
        nominations = []
    with pytest.raises(ValidationError) as error:
        plan(field_a, nominations, **kwargs)
    assert field in error.value.message_dict
    assert not VisitPlan.objects.exists()


def test_nobody_approves_their_own_plan_and_nobody_approves_twice(
    case_a, phone_a, field_a, supervisor_a, supervisor_a2
):
    nomination = nominate(case_a, phone_a, field_a)
    visit_plan = plan(field_a, [nomination])
    with pytest.raises(ValidationError):
        decide(visit_plan, by=field_a)
    decide(visit_plan, by=supervisor_a)
    with pytest.raises(ValidationError):
        decide(visit_plan, by=supervisor_a2, approve=False, comment="no")
    visit_plan.refresh_from_db()
    assert visit_plan.status == VisitPlan.Status.APPROVED


def test_the_plan_state_machine():
    status = VisitPlan.Status
    assert VisitPlan.TRANSITIONS[status.SUBMITTED] == {status.APPROVED, status.RETURNED}
    assert VisitPlan.TRANSITIONS[status.APPROVED] == set()
    assert VisitPlan.TRANSITIONS[status.RETURNED] == set()


# --- Reports -------------------------------------------------------------------------


def test_a_report_is_filed_with_its_recording_and_a_photo(planned, field_a):
    filed = report(planned, field_a, photos=[SimpleUploadedFile("door.png", PNG)])
    planned.refresh_from_db()
    assert planned.status == VisitNomination.Status.REPORTED
    assert filed.status == VisitReport.Status.SUBMITTED
    assert len(filed.recording_sha256) == 64 and filed.recording_content_type == "audio/wav"
    photo = VisitPhoto.objects.get()
    assert photo.content_type == "image/png"
    assert default_storage.exists(photo.image.name)


def test_a_report_without_audio_is_refused_on_the_recording_field(planned, field_a):
    with pytest.raises(ValidationError) as error:
        report(planned, field_a, recording=None)
    assert "recording" in error.value.message_dict
    assert not VisitReport.objects.exists()
    planned.refresh_from_db()
    assert planned.status == VisitNomination.Status.NOMINATED


def test_a_report_with_a_file_that_is_not_audio_is_refused(planned, field_a):
    fake = SimpleUploadedFile("visit.mp3", b"%PDF-1.4 not audio at all")
    with pytest.raises(ValidationError) as error:
        report(planned, field_a, recording=fake)
    assert "recording" in error.value.message_dict
    assert not VisitReport.objects.exists()


def test_a_non_image_photo_is_refused_and_nothing_is_written_or_stored(planned, field_a):
    before = stored_files()
    with pytest.raises(ValidationError) as error:
        report(planned, field_a, photos=[SimpleUploadedFile("door.jpg", b"MZ\x90\x00 an exe")])
    assert "photos" in error.value.message_dict
    assert not VisitReport.objects.exists()
    assert not VisitPhoto.objects.exists()
    assert stored_files() == before


def test_a_report_needs_an_approved_plan(case_a, phone_a, field_a):
    nomination = nominate(case_a, phone_a, field_a)
    plan(field_a, [nomination])  # submitted, not approved
    with pytest.raises(ValidationError):
        report(nomination, field_a)
    assert not VisitReport.objects.exists()


def test_only_the_visits_field_collector_files_its_report(planned, field_a2):
    with pytest.raises(ValidationError):
        report(planned, field_a2)
    assert not VisitReport.objects.exists()


def test_return_needs_a_comment_then_the_report_is_filed_again_and_accepted(
    planned, field_a, supervisor_a
):
    filed = report(planned, field_a)
    with pytest.raises(ValidationError) as error:
        visit_services.visit_report_review(report=filed, actor=supervisor_a, accept=False)
    assert "comment" in error.value.message_dict
    visit_services.visit_report_review(
        report=filed, actor=supervisor_a, accept=False, comment="Whom did you meet?"
    )
    planned.refresh_from_db()
    assert planned.status == VisitNomination.Status.NOMINATED
    refiled = report(planned, field_a, met="relative", met_name="sister")
    assert refiled.pk == filed.pk and refiled.status == VisitReport.Status.SUBMITTED
    visit_services.visit_report_review(report=refiled, actor=supervisor_a, accept=True)
    planned.refresh_from_db()
    assert planned.status == VisitNomination.Status.CLOSED
    with pytest.raises(ValidationError):
        visit_services.visit_report_review(report=refiled, actor=supervisor_a, accept=True)
    assert refiled.history.count() >= 4
    assert Notification.objects.filter(recipient=field_a, title__contains="accepted").exists()


def test_the_report_state_machine():
    status = VisitReport.Status
    assert VisitReport.TRANSITIONS[status.SUBMITTED] == {status.ACCEPTED, status.RETURNED}
    assert VisitReport.TRANSITIONS[status.RETURNED] == {status.SUBMITTED}
    assert VisitReport.TRANSITIONS[status.ACCEPTED] == set()


def test_a_field_collector_cannot_review(planned, field_a, field_a2):
    filed = report(planned, field_a)
    with pytest.raises(ValidationError):
        visit_services.visit_report_review(report=filed, actor=field_a2, accept=True)


# --- Extensions and alerts -----------------------------------------------------------


def test_an_approved_extension_moves_the_due_time_to_the_end_of_the_new_date(
    case_a, phone_a, field_a, supervisor_a
):
    nomination = nominate(case_a, phone_a, field_a)
    new_date = local_date(nomination.due_at) + dt.timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        visit_services.visit_extension_request(
            nomination=nomination,
            actor=field_a,
            new_due_on=local_date(nomination.due_at),
            reason="away",
        )
    assert "new_due_on" in error.value.message_dict
    extension = visit_services.visit_extension_request(
        nomination=nomination, actor=field_a, new_due_on=new_date, reason="Debtor away"
    )
    with pytest.raises(ValidationError):
        visit_services.visit_extension_request(
            nomination=nomination, actor=field_a, new_due_on=new_date, reason="again"
        )
    decide(extension, by=supervisor_a)
    extension.refresh_from_db()
    nomination.refresh_from_db()
    assert extension.status == VisitDeadlineExtension.Status.APPROVED
    assert local_date(nomination.due_at) == new_date + dt.timedelta(days=1)


def test_a_safety_alert_reaches_every_supervisor_at_once_and_stays_until_acknowledged(
    case_a, phone_a, field_a, supervisor_a, supervisor_a2, django_capture_on_commit_callbacks
):
    nomination = nominate(case_a, phone_a, field_a)
    with django_capture_on_commit_callbacks(execute=True):
        alert = visit_services.safety_alert_raise(
            nomination=nomination, actor=field_a, message="Threatened with a knife"
        )
    assert {m.to[0] for m in mail.outbox} == {supervisor_a.email, supervisor_a2.email}
    assert Notification.objects.filter(recipient=supervisor_a2, url__contains="alerts").exists()
    assert safety_alerts_panel(supervisor_a)["alerts"] == [alert]
    visit_services.safety_alert_acknowledge(alert=alert, actor=supervisor_a2)
    assert safety_alerts_panel(supervisor_a) is None
    with pytest.raises(ValidationError):
        visit_services.safety_alert_acknowledge(alert=alert, actor=supervisor_a)
    assert SafetyAlert.objects.get().acknowledged_by == supervisor_a2
