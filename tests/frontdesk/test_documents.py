"""Document register: confidentiality, routing with sign-off, uploads, replies, exports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from frontdesk import services
from frontdesk.models import Document, DocumentAttachment, RoutingStep
from staff import roles
from staff.models import Notification
from tests.frontdesk.conftest import PDF_BYTES, docx_upload, exe_disguised_as_pdf, pdf_upload

pytestmark = pytest.mark.django_db


def _document_form(**overrides):
    data = {
        "direction": "incoming",
        "title": "Notice of enforcement",
        "reference_number": "(2026) Hu 0115 Zhi 1234",
        "sender": "Pudong District Court",
        "receiving_unit": "Collections",
        "document_date": "2026-11-20",
        "urgency": "urgent",
        "confidentiality": "normal",
        "reply_due": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- Confidential documents --------------------------------------------------------------


def test_confidential_document_is_seen_only_by_its_desk_and_recipients(
    client, desk, department_head, other_supervisor, desk_b, staff_user, branch_a, hq
):
    document = services.document_register(
        actor=desk,
        title="Internal audit findings",
        sender="HQ audit",
        receiving_unit="Collections",
        document_date=dt.date(2026, 11, 20),
        confidentiality=Document.Confidentiality.CONFIDENTIAL,
        files=[pdf_upload()],
    )
    services.document_route(document=document, actor=desk, recipient=department_head)
    attachment = document.attachments.get()
    page = reverse("frontdesk:document_detail", args=[document.pk])
    file = reverse("frontdesk:attachment_download", args=[document.pk, attachment.pk])

    # The recipient opens the page and the file (decrypted, as a download).
    client.force_login(department_head)
    assert client.get(page).status_code == 200
    response = client.get(file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    # The registering desk too.
    client.force_login(desk)
    assert client.get(page).status_code == 200

    # Everyone else gets a 404, whatever their rank: a supervisor of another
    # department, the branch manager, another branch's desk, an HQ manager.
    branch_manager = staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="bm.a")
    hq_manager = staff_user(roles.BRANCH_MANAGER, roles.SUPERVISOR, branch=hq, username="hq.bm")
    for outsider in (other_supervisor, branch_manager, desk_b, hq_manager):
        client.force_login(outsider)
        assert client.get(page).status_code == 404, outsider.username
        assert client.get(file).status_code == 404, outsider.username
        listed = client.get(reverse("frontdesk:document_list")).context["page"]
        assert document not in list(listed)


def test_confidential_scan_is_not_plaintext_on_disk_and_has_a_random_name(desk):
    document = services.document_register(
        actor=desk,
        title="Secret",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        confidentiality=Document.Confidentiality.CONFIDENTIAL,
        files=[pdf_upload("Secret salary list.pdf")],
    )
    attachment = document.attachments.get()
    with default_storage.open(attachment.stored_name, "rb") as stored:
        on_disk = stored.read()
    assert attachment.encrypted is True
    assert b"%PDF" not in on_disk
    assert b"confidential scan" not in on_disk
    assert "salary" not in attachment.stored_name.lower()
    assert not attachment.stored_name.endswith(".pdf")


def test_normal_scan_is_stored_as_is_under_a_random_name(desk):
    document = services.document_register(
        actor=desk,
        title="Letter",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        files=[pdf_upload("letter.pdf")],
    )
    attachment = document.attachments.get()
    assert attachment.encrypted is False
    assert "letter" not in attachment.stored_name
    with default_storage.open(attachment.stored_name, "rb") as stored:
        assert stored.read() == PDF_BYTES


def test_normal_document_is_seen_by_the_branch_desk_but_not_other_branches(
    client, register_document, desk_b, other_supervisor
):
    document = register_document()
    page = reverse("frontdesk:document_detail", args=[document.pk])
    client.force_login(desk_b)
    assert client.get(page).status_code == 404
    # Someone it was not routed to does not browse the register either.
    client.force_login(other_supervisor)
    assert client.get(page).status_code == 404


# --- Routing and sign-off -----------------------------------------------------------------


def test_each_routing_step_records_who_and_when_and_is_signed_by_its_recipient(
    client, desk, department_head, host, register_document, django_capture_on_commit_callbacks
):
    document = register_document()
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("frontdesk:document_route", args=[document.pk]),
            {"recipient": department_head.pk, "instructions": "Please handle"},
        )
    assert response.status_code == 302
    first = RoutingStep.objects.get()
    assert (first.sequence, first.routed_by, first.recipient) == (1, desk, department_head)
    assert first.routed_at is not None and first.signed_at is None
    assert first.recipient_department == department_head.staff_profile.department
    assert Notification.objects.filter(recipient=department_head).count() == 1
    document.refresh_from_db()
    assert document.status == Document.Status.ROUTED

    client.force_login(department_head)
    client.post(reverse("frontdesk:step_sign", args=[document.pk, first.pk]))
    first.refresh_from_db()
    assert first.signed_by == department_head
    assert first.signed_at is not None
    document.refresh_from_db()
    assert document.status == Document.Status.IN_PROGRESS

    # The head routes it onwards to a collector, who signs in turn.
    client.post(
        reverse("frontdesk:document_route", args=[document.pk]),
        {"recipient": host.pk, "instructions": "Call the court"},
    )
    second = document.steps.get(sequence=2)
    assert (second.routed_by, second.recipient) == (department_head, host)
    client.force_login(host)
    assert client.get(reverse("frontdesk:document_detail", args=[document.pk])).status_code == 200
    client.post(reverse("frontdesk:step_sign", args=[document.pk, second.pk]))
    second.refresh_from_db()
    assert second.signed_by == host
    # Every signature is in the history with its author.
    signed_rows = first.history.filter(signed_at__isnull=False)
    assert signed_rows.get().history_user == department_head


def test_nobody_signs_for_a_step_routed_to_someone_else(
    client, desk, department_head, host, register_document
):
    document = register_document()
    step = services.document_route(document=document, actor=desk, recipient=department_head)

    with pytest.raises(PermissionDenied):
        services.step_sign(step=step, actor=host)
    with pytest.raises(PermissionDenied):
        services.step_sign(step=step, actor=desk)

    # Through the page: the desk (who can see the document) is refused too.
    client.force_login(desk)
    response = client.post(reverse("frontdesk:step_sign", args=[document.pk, step.pk]))
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.signed_at is None and step.signed_by is None


def test_a_recipient_routes_onwards_only_after_signing(
    desk, department_head, host, register_document
):
    from django.core.exceptions import ValidationError

    document = register_document()
    step = services.document_route(document=document, actor=desk, recipient=department_head)
    with pytest.raises(ValidationError, match="Sign for the document"):
        services.document_route(document=document, actor=department_head, recipient=host)
    services.step_sign(step=step, actor=department_head)
    services.document_route(document=document, actor=department_head, recipient=host)
    # Someone who never held it cannot route it.
    with pytest.raises(PermissionDenied):
        services.document_route(document=document, actor=department_head, recipient=desk)


def test_reply_record_and_close(client, desk, department_head, register_document):
    document = register_document(reply_required=True, reply_due=dt.date(2026, 11, 30))
    step = services.document_route(document=document, actor=desk, recipient=department_head)
    client.force_login(department_head)
    # Before signing, no reply can be recorded.
    client.post(
        reverse("frontdesk:document_record", args=[document.pk]),
        {"kind": "reply", "record_date": "2026-11-24", "content": "Replied", "result": "Paid"},
    )
    assert document.records.count() == 0
    services.step_sign(step=step, actor=department_head)
    response = client.post(
        reverse("frontdesk:document_record", args=[document.pk]),
        {"kind": "reply", "record_date": "2026-11-24", "content": "Replied", "result": "Paid"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == Document.Status.REPLIED
    assert document.replied_at is not None

    client.force_login(desk)
    client.post(reverse("frontdesk:document_close", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == Document.Status.CLOSED
    assert [h.status for h in document.history.order_by("history_date")] == [
        "registered",
        "routed",
        "in_progress",
        "replied",
        "closed",
    ]


def test_register_numbers_count_up_per_branch_and_year(register_document):
    first = register_document()
    second = register_document()
    assert first.register_number.endswith("-0001")
    assert second.register_number.endswith("-0002")
    assert first.register_number.split("-")[0] == "BRA"


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required"),
        ({"sender": ""}, "sender", "This field is required"),
        ({"document_date": "20.11.2026x"}, "document_date", "valid date"),
        ({"reply_required": "on", "reply_due": ""}, "reply_due", "reply is due"),
    ],
)
def test_bad_document_input_names_the_field_and_saves_nothing(
    client, desk, overrides, field, message
):
    client.force_login(desk)
    data = _document_form(**overrides)
    data["files"] = [pdf_upload()]
    response = client.post(reverse("frontdesk:document_register"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Document.objects.count() == 0
    assert DocumentAttachment.objects.count() == 0


def test_an_exe_renamed_pdf_is_rejected_and_nothing_is_saved(client, desk, settings):
    client.force_login(desk)
    data = _document_form()
    data["files"] = [pdf_upload(), exe_disguised_as_pdf()]
    response = client.post(reverse("frontdesk:document_register"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["files"])
    assert "invoice.pdf is not really a .pdf file" in errors
    assert Document.objects.count() == 0
    assert DocumentAttachment.objects.count() == 0
    media = settings.MEDIA_ROOT / "frontdesk"
    assert not media.exists() or not any(media.rglob("*"))


@override_settings(FRONTDESK_ATTACHMENT_MAX_BYTES=1024)
def test_an_oversized_file_is_rejected_with_the_limit_named(client, desk):
    client.force_login(desk)
    data = _document_form()
    data["files"] = [pdf_upload(content=b"%PDF-1.4\n" + b"x" * 5000)]
    response = client.post(reverse("frontdesk:document_register"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["files"])
    assert "too large" in errors and "1.0" in errors
    assert Document.objects.count() == 0


def test_a_file_type_that_is_not_a_scan_is_rejected(client, desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(desk)
    data = _document_form()
    data["files"] = [SimpleUploadedFile("run.exe", b"MZ\x90\x00" * 10)]
    response = client.post(reverse("frontdesk:document_register"), data)
    assert "only PDF" in " ".join(response.context["form"].errors["files"])
    assert Document.objects.count() == 0


def test_word_documents_are_accepted_by_content(desk):
    document = services.document_register(
        actor=desk,
        title="Letter",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        files=[docx_upload()],
    )
    assert document.attachments.get().content_type.endswith("wordprocessingml.document")


def test_attachments_are_only_served_for_their_own_document(client, desk, register_document):
    one = register_document(files=[pdf_upload()])
    two = register_document()
    attachment = one.attachments.get()
    client.force_login(desk)
    wrong = reverse("frontdesk:attachment_download", args=[two.pk, attachment.pk])
    assert client.get(wrong).status_code == 404


# --- Export ------------------------------------------------------------------------------------


def test_document_export_escapes_formulas_and_leaves_out_confidential_titles(
    client, desk, register_document
):
    register_document(title="=1+2", sender="@SUM(A1)")
    register_document(title="Secret merger", confidentiality="confidential")
    client.force_login(desk)
    response = client.get(reverse("frontdesk:document_list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=1+2" in body
    assert "'@SUM(A1)" in body
    assert "Secret merger" not in body
    assert "no-store" in response["Cache-Control"]


def test_void_keeps_the_document_with_its_reason(client, desk, register_document):
    document = register_document()
    client.force_login(desk)
    client.post(reverse("frontdesk:document_void", args=[document.pk]), {"void_reason": "Twice"})
    document.refresh_from_db()
    assert document.status == Document.Status.VOID
    assert document.void_reason == "Twice"
