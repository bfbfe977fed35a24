"""People and helpers for the front desk tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from staff import roles
from tests.factories import DepartmentFactory

# A real, valid resident ID number (check digit correct) used across the tests.
VALID_RESIDENT_ID = "11010519491231002X"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"confidential scan " * 20


def pdf_upload(name: str = "scan.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def exe_disguised_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf"
    )


def docx_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile("letter.docx", buffer.getvalue())


@pytest.fixture
def desk(staff_user, branch_a):
    department = DepartmentFactory(branch=branch_a, name="Front office")
    return staff_user(roles.FRONT_DESK, branch=branch_a, username="desk.a", department=department)


@pytest.fixture
def collections_a(branch_a):
    return DepartmentFactory(branch=branch_a, name="Collections")


@pytest.fixture
def host(staff_user, branch_a, collections_a):
    return staff_user(
        roles.PHONE_COLLECTOR, branch=branch_a, username="host.a", department=collections_a
    )


@pytest.fixture
def department_head(staff_user, branch_a, collections_a):
    head = staff_user(
        roles.DEPARTMENT_HEAD, branch=branch_a, username="head.a", department=collections_a
    )
    collections_a.head = head
    collections_a.save()
    return head


@pytest.fixture
def other_supervisor(staff_user, branch_a):
    """A supervisor of another department of the same branch."""
    finance = DepartmentFactory(branch=branch_a, name="Finance")
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.finance", department=finance)


@pytest.fixture
def desk_b(staff_user, branch_b):
    return staff_user(roles.FRONT_DESK, branch=branch_b, username="desk.b")


@pytest.fixture
def register_document(desk):
    """document_register(...) with sensible defaults for the fields a test does not care about."""
    from frontdesk import services

    def make(**fields):
        values = {
            "actor": desk,
            "title": "Court notice 2026-118",
            "sender": "Pudong District Court",
            "receiving_unit": "Collections",
            "document_date": dt.date(2026, 11, 20),
            **fields,
        }
        return services.document_register(**values)

    return make


@pytest.fixture
def company_time():
    """As the list views do (`in_company_time`): `__date` lookups use the company's days."""
    from django.utils import timezone

    from collections_office.workdays import company_tz

    with timezone.override(company_tz()):
        yield


@pytest.fixture
def hq_desk(staff_user, hq):
    return staff_user(roles.FRONT_DESK, branch=hq, username="desk.hq")
