"""Corrections of phone messages and document entries, and voiding a single scan.

Each one: success (and its history row, with the reason and who), no reason → a form
error and nothing changed, another branch's desk → 404, not the desk → 403, a void (or
closed) entry refuses.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from frontdesk import services
from frontdesk.models import Document, DocumentAttachment, PhoneMessage, Visit
from staff import roles
from staff.models import Notification
from tests.frontdesk.conftest import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


# --- Phone messages -----------------------------------------------------------------------


@pytest.fixture
def phone_message(desk, host):
    return services.message_take(
        actor=desk,
        caller_name="Mr Chen",
        caller_phone="021 5888 1234",
        message="Please call back about the March placment.",
        recipient=host,
        taken_at=dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC),
    )


def _message_correction(phone_message, /, **overrides):
    data = {
        "caller_name": phone_message.caller_name,
        "caller_phone": "021 5888 1234",
        "caller_organisation": phone_message.caller_organisation,
        "recipient": phone_message.recipient_id or "",
        "recipient_department": phone_message.recipient_department_id or "",
        "message": phone_message.message,
        "urgency": phone_message.urgency,
        "outcome": phone_message.outcome,
        "taken_at": "2026-11-23T09:30",
        "reason": "Typo in the message",
    }
    data.update(overrides)
    return data


def test_the_desk_corrects_a_message_and_the_history_keeps_the_old_text(
    client, desk, phone_message
):
    client.force_login(desk)
    url = reverse("frontdesk:message_correct", args=[phone_message.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        _message_correction(
            phone_message,
            message="Please call back about the March placement.",
            caller_phone="021 5888 4321",
            taken_at="2026-11-23T09:10",
        ),
    )

    assert response.status_code == 302
    phone_message.refresh_from_db()
    assert phone_message.message == "Please call back about the March placement."
    assert phone_message.caller_phone == "+862158884321"
    assert phone_message.taken_at == dt.datetime(2026, 11, 23, 1, 10, tzinfo=dt.UTC)
    old, new = phone_message.history.order_by("history_date", "pk")
    assert old.message == "Please call back about the March placment."
    assert new.history_change_reason == "Typo in the message"
    assert new.history_user == desk
    page = client.get(reverse("frontdesk:message_detail", args=[phone_message.pk]))
    assert "Typo in the message" in page.content.decode()


def test_a_message_correction_without_a_reason_is_a_form_error_and_changes_nothing(
    client, desk, phone_message
):
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:message_correct", args=[phone_message.pk]),
        _message_correction(phone_message, caller_name="Someone else", reason=""),
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert 'data-field="reason"' in response.content.decode()
    phone_message.refresh_from_db()
    assert phone_message.caller_name == "Mr Chen"
    assert phone_message.history.count() == 1


def test_another_branchs_desk_cannot_correct_a_message(client, desk_b, phone_message):
    client.force_login(desk_b)
    url = reverse("frontdesk:message_correct", args=[phone_message.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, _message_correction(phone_message, caller_name="Hacked"))
    assert response.status_code == 404
    phone_message.refresh_from_db()
    assert phone_message.caller_name == "Mr Chen"
    # The service says the same to a caller that skips the view.
    with pytest.raises(PermissionDenied):
        services.message_correct(
            phone_message=phone_message, actor=desk_b, reason="x", caller_name="Hacked"
        )


def test_the_recipient_reads_the_message_but_cannot_correct_it(client, host, phone_message):
    client.force_login(host)
    detail = reverse("frontdesk:message_detail", args=[phone_message.pk])
    page = client.get(detail)
    assert page.status_code == 200
    assert 'id="correct-message"' not in page.content.decode()
    url = reverse("frontdesk:message_correct", args=[phone_message.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _message_correction(phone_message, caller_name="X")).status_code == 403
    phone_message.refresh_from_db()
    assert phone_message.caller_name == "Mr Chen"


def test_a_void_message_cannot_be_corrected(client, desk, phone_message):
    services.message_void(message=phone_message, actor=desk, reason="Duplicate")
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:message_correct", args=[phone_message.pk]),
        _message_correction(phone_message, caller_name="Changed"),
    )
    assert response.status_code == 200
    assert "void entry cannot be corrected" in response.content.decode()
    phone_message.refresh_from_db()
    assert phone_message.caller_name == "Mr Chen"
    assert phone_message.status == PhoneMessage.Status.VOID
    detail = client.get(reverse("frontdesk:message_detail", args=[phone_message.pk]))
    assert 'id="correct-message"' not in detail.content.decode()


def test_a_message_moved_to_another_person_is_relayed_to_them(
    client, desk, host, department_head, phone_message, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("frontdesk:message_correct", args=[phone_message.pk]),
            _message_correction(
                phone_message, recipient=department_head.pk, reason="Was for the head"
            ),
        )
    assert response.status_code == 302
    phone_message.refresh_from_db()
    assert phone_message.recipient == department_head
    notification = Notification.objects.get(recipient=department_head)
    assert "Mr Chen" in notification.title
    assert notification.url == reverse("frontdesk:message_detail", args=[phone_message.pk])
    assert [message.to for message in mail.outbox] == [[department_head.email]]
    # The new recipient now reads (and handles) it; the old one no longer does.
    detail = reverse("frontdesk:message_detail", args=[phone_message.pk])
    client.force_login(department_head)
    assert client.get(detail).status_code == 200
    client.force_login(host)
    assert client.get(detail).status_code == 404


def test_a_handled_message_keeps_the_recipient_who_handled_it(
    desk, host, department_head, phone_message
):
    services.message_mark_handled(message=phone_message, actor=host)
    with pytest.raises(ValidationError) as error:
        services.message_correct(
            phone_message=phone_message,
            actor=desk,
            reason="Wrong person",
            recipient=department_head,
        )
    assert "recipient" in error.value.message_dict
    # Its other details can still be corrected.
    services.message_correct(
        phone_message=phone_message, actor=desk, reason="Name misspelt", caller_name="Mr Cheng"
    )
    phone_message.refresh_from_db()
    assert (phone_message.caller_name, phone_message.recipient) == ("Mr Cheng", host)
    assert phone_message.status == PhoneMessage.Status.HANDLED


# --- Documents ----------------------------------------------------------------------------


def _document_correction(document, **overrides):
    data = {
        "direction": document.direction,
        "title": document.title,
        "reference_number": document.reference_number,
        "sender": document.sender,
        "receiving_unit": document.receiving_unit,
        "document_date": document.document_date.isoformat(),
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "reply_due": document.reply_due.isoformat() if document.reply_due else "",
        "notes": document.notes,
        "reason": "Details copied wrongly from the envelope",
    }
    if document.reply_required:
        data["reply_required"] = "on"
    data.update(overrides)
    return data


def test_the_desk_corrects_a_document_entry_and_the_history_keeps_the_old_values(
    client, desk, register_document
):
    document = register_document(reference_number="(2026) Hu 0115 Zhi 118", urgency="normal")
    client.force_login(desk)
    url = reverse("frontdesk:document_correct", args=[document.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        _document_correction(
            document,
            title="Court notice 2026-181",
            reference_number="(2026) Hu 0115 Zhi 181",
            sender="Minhang District Court",
            receiving_unit="Legal",
            document_date="2026-11-19",
            urgency="very_urgent",
            reply_required="on",
            reply_due="2026-11-30",
        ),
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Court notice 2026-181"
    assert document.reference_number == "(2026) Hu 0115 Zhi 181"
    assert document.sender == "Minhang District Court"
    assert document.receiving_unit == "Legal"
    assert document.document_date == dt.date(2026, 11, 19)
    assert document.urgency == "very_urgent"
    assert (document.reply_required, document.reply_due) == (True, dt.date(2026, 11, 30))
    assert document.register_number.endswith("-0001")  # the register number never changes
    old, new = document.history.order_by("history_date", "pk")
    assert (old.title, old.sender, old.reply_required) == (
        "Court notice 2026-118",
        "Pudong District Court",
        False,
    )
    assert new.history_change_reason == "Details copied wrongly from the envelope"
    assert new.history_user == desk
    page = client.get(reverse("frontdesk:document_detail", args=[document.pk])).content.decode()
    assert "Details copied wrongly from the envelope" in page


def test_no_longer_needing_a_reply_clears_the_due_date(desk, register_document):
    document = register_document(reply_required=True, reply_due=dt.date(2026, 11, 30))
    services.document_correct(
        document=document, actor=desk, reason="No reply asked for", reply_required=False
    )
    document.refresh_from_db()
    assert (document.reply_required, document.reply_due) == (False, None)


def test_a_document_correction_without_a_reason_is_a_form_error_and_changes_nothing(
    client, desk, register_document
):
    document = register_document()
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:document_correct", args=[document.pk]),
        _document_correction(document, title="Changed", reason="  "),
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    document.refresh_from_db()
    assert document.title == "Court notice 2026-118"
    assert document.history.count() == 1
    with pytest.raises(ValidationError):
        services.document_correct(document=document, actor=desk, reason="", title="Changed")


def test_another_branchs_desk_cannot_correct_a_document(client, desk_b, register_document):
    document = register_document()
    client.force_login(desk_b)
    url = reverse("frontdesk:document_correct", args=[document.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _document_correction(document, title="Hacked")).status_code == 404
    document.refresh_from_db()
    assert document.title == "Court notice 2026-118"


def test_a_recipient_reads_the_document_but_cannot_correct_it(
    client, desk, department_head, register_document
):
    document = register_document()
    services.document_route(document=document, actor=desk, recipient=department_head)
    client.force_login(department_head)
    assert client.get(reverse("frontdesk:document_detail", args=[document.pk])).status_code == 200
    url = reverse("frontdesk:document_correct", args=[document.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _document_correction(document, title="Mine now")).status_code == 403
    document.refresh_from_db()
    assert document.title == "Court notice 2026-118"
    with pytest.raises(PermissionDenied):
        services.document_correct(
            document=document, actor=department_head, reason="x", title="Mine now"
        )


@pytest.mark.parametrize("ending", ["void", "closed"])
def test_a_void_or_closed_document_cannot_be_corrected(client, desk, register_document, ending):
    document = register_document()
    if ending == "void":
        services.document_void(document=document, actor=desk, reason="Registered twice")
    else:
        services.document_close(document=document, actor=desk)
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:document_correct", args=[document.pk]),
        _document_correction(document, title="Changed"),
    )
    assert response.status_code == 200
    assert "cannot be corrected" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "Court notice 2026-118"
    detail = client.get(reverse("frontdesk:document_detail", args=[document.pk]))
    assert 'id="correct-document"' not in detail.content.decode()


def test_a_routed_confidential_document_stays_confidential(
    client, desk, department_head, register_document
):
    document = register_document(confidentiality=Document.Confidentiality.CONFIDENTIAL)
    services.document_route(document=document, actor=desk, recipient=department_head)
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:document_correct", args=[document.pk]),
        _document_correction(document, confidentiality="normal", title="Renamed"),
    )
    assert response.status_code == 200
    assert "confidentiality" in response.context["form"].errors
    document.refresh_from_db()
    assert document.confidentiality == Document.Confidentiality.CONFIDENTIAL
    assert document.title == "Court notice 2026-118"


def test_confidential_by_mistake_can_be_made_normal_before_anyone_received_it(
    desk, register_document
):
    document = register_document(
        confidentiality=Document.Confidentiality.CONFIDENTIAL, files=[pdf_upload()]
    )
    services.document_correct(
        document=document, actor=desk, reason="Not confidential", confidentiality="normal"
    )
    document.refresh_from_db()
    assert document.confidentiality == Document.Confidentiality.NORMAL
    # The scan stays encrypted on disk (harmless: the download decrypts it).
    assert document.attachments.get().encrypted


def test_a_document_made_confidential_has_its_scans_encrypted_and_leaves_the_branch_view(
    client, desk, staff_user, branch_a, register_document, django_capture_on_commit_callbacks
):
    document = register_document(files=[pdf_upload()])
    attachment = document.attachments.get()
    plain_name = attachment.stored_name
    branch_manager = staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="bm.a")
    client.force_login(branch_manager)
    page = reverse("frontdesk:document_detail", args=[document.pk])
    assert client.get(page).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services.document_correct(
            document=document,
            actor=desk,
            reason="Marked confidential",
            confidentiality="confidential",
        )

    attachment.refresh_from_db()
    assert attachment.encrypted
    assert attachment.stored_name != plain_name
    assert not default_storage.exists(plain_name)  # the plaintext file is gone
    with default_storage.open(attachment.stored_name, "rb") as stored:
        assert b"confidential scan" not in stored.read()
    assert attachment.history.latest().history_change_reason == "Marked confidential"
    assert client.get(page).status_code == 404
    client.force_login(desk)
    download = client.get(
        reverse("frontdesk:attachment_download", args=[document.pk, attachment.pk])
    )
    assert b"".join(download.streaming_content) == PDF_BYTES


# --- Voiding one scan ---------------------------------------------------------------------


@pytest.fixture
def confidential_with_scans(desk, department_head, register_document):
    document = register_document(
        confidentiality=Document.Confidentiality.CONFIDENTIAL,
        files=[pdf_upload("wrong-case.pdf"), pdf_upload("notice.pdf")],
    )
    services.document_route(document=document, actor=desk, recipient=department_head)
    wrong, right = document.attachments.order_by("pk")
    return document, wrong, right


def test_the_desk_voids_a_wrong_scan_which_is_kept_but_no_longer_offered(
    client, desk, department_head, confidential_with_scans
):
    document, wrong, right = confidential_with_scans
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:attachment_void", args=[document.pk, wrong.pk]),
        {"void_reason": "Scan of another case"},
    )
    assert response.status_code == 302

    wrong.refresh_from_db()
    assert wrong.voided_by == desk and wrong.voided_at is not None
    assert wrong.void_reason == "Scan of another case"
    latest = wrong.history.latest()
    assert latest.history_user == desk
    assert latest.history_change_reason == "Scan of another case"
    assert latest.voided_at is not None
    # Still on disk, still encrypted.
    with default_storage.open(wrong.stored_name, "rb") as stored:
        assert b"confidential scan" not in stored.read()
    # Not offered on the page any more (the desk sees it among the voided ones) ...
    page = client.get(reverse("frontdesk:document_detail", args=[document.pk]))
    assert list(page.context["attachments"]) == [right]
    assert list(page.context["voided_attachments"]) == [wrong]
    assert "Scan of another case" in page.content.decode()
    # ... and the download refuses it, to the desk and to the recipient alike.
    wrong_url = reverse("frontdesk:attachment_download", args=[document.pk, wrong.pk])
    assert client.get(wrong_url).status_code == 404
    client.force_login(department_head)
    assert client.get(wrong_url).status_code == 404
    recipient_page = client.get(reverse("frontdesk:document_detail", args=[document.pk]))
    assert list(recipient_page.context["attachments"]) == [right]
    assert "wrong-case.pdf" not in recipient_page.content.decode()
    right_url = reverse("frontdesk:attachment_download", args=[document.pk, right.pk])
    assert client.get(right_url).status_code == 200


def test_voiding_a_scan_needs_a_reason(client, desk, confidential_with_scans):
    document, wrong, _right = confidential_with_scans
    client.force_login(desk)
    response = client.post(
        reverse("frontdesk:attachment_void", args=[document.pk, wrong.pk]), {"void_reason": ""}
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "Give the reason for voiding." in follow.content.decode()
    wrong.refresh_from_db()
    assert wrong.voided_at is None
    assert wrong.history.count() == 1
    with pytest.raises(ValidationError):
        services.attachment_void(attachment=wrong, actor=desk, reason=" ")


def test_another_branchs_desk_cannot_void_a_scan(client, desk_b, confidential_with_scans):
    document, wrong, _right = confidential_with_scans
    client.force_login(desk_b)
    url = reverse("frontdesk:attachment_void", args=[document.pk, wrong.pk])
    assert client.post(url, {"void_reason": "Mine"}).status_code == 404
    wrong.refresh_from_db()
    assert wrong.voided_at is None
    with pytest.raises(PermissionDenied):
        services.attachment_void(attachment=wrong, actor=desk_b, reason="Mine")


def test_a_recipient_cannot_void_a_scan(client, department_head, confidential_with_scans):
    document, wrong, _right = confidential_with_scans
    client.force_login(department_head)
    url = reverse("frontdesk:attachment_void", args=[document.pk, wrong.pk])
    assert client.post(url, {"void_reason": "Not mine"}).status_code == 403
    wrong.refresh_from_db()
    assert wrong.voided_at is None
    page = client.get(reverse("frontdesk:document_detail", args=[document.pk])).content.decode()
    assert "Void scan" not in page


def test_a_void_scan_cannot_be_voided_again(client, desk, confidential_with_scans):
    document, wrong, _right = confidential_with_scans
    services.attachment_void(attachment=wrong, actor=desk, reason="Scan of another case")
    with pytest.raises(ValidationError, match="already void"):
        services.attachment_void(attachment=wrong, actor=desk, reason="Again")
    client.force_login(desk)
    url = reverse("frontdesk:attachment_void", args=[document.pk, wrong.pk])
    assert client.post(url, {"void_reason": "Again"}).status_code == 404
    wrong.refresh_from_db()
    assert wrong.void_reason == "Scan of another case"
    assert wrong.history.count() == 2


def test_a_scan_void_without_its_reason_or_author_is_refused_by_the_database(
    desk, confidential_with_scans
):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    _document, wrong, _right = confidential_with_scans
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentAttachment.objects.filter(pk=wrong.pk).update(voided_at=timezone.now())


# --- Visits: the same rules ---------------------------------------------------------------


def test_a_visit_is_corrected_only_by_its_branchs_desk_and_not_once_void(desk, desk_b, host):
    visit = services.visit_register(actor=desk, visitor_name="Li Lie", purpose="B", host=host)
    with pytest.raises(PermissionDenied):
        services.visit_correct(visit=visit, actor=desk_b, reason="x", visitor_name="Hacked")
    with pytest.raises(PermissionDenied):
        services.visit_correct(visit=visit, actor=host, reason="x", visitor_name="Hacked")
    services.visit_void(visit=visit, actor=desk, reason="Duplicate")
    with pytest.raises(ValidationError, match="void entry"):
        services.visit_correct(visit=visit, actor=desk, reason="x", visitor_name="Li Lei")
    visit.refresh_from_db()
    assert (visit.visitor_name, visit.status) == ("Li Lie", Visit.Status.VOID)
