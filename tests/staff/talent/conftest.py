"""People of one branch (and one foreign branch) for the training, recruitment and
succession tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from staff import roles
from staff.models import Position
from tests.factories import BranchFactory, DepartmentFactory, hq_branch, make_staff

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"cv " * 40


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def pdf_cv(name: str = "cv.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def org(db):
    """Branch A with HR, a branch manager, a department head, a supervisor, collectors;
    branch B with its own HR; HQ with HR."""
    o = SimpleNamespace()
    o.hq = hq_branch()
    o.branch = BranchFactory(code="TA", name="Branch TA")
    o.other_branch = BranchFactory(code="TB", name="Branch TB")
    o.collections = DepartmentFactory(branch=o.branch, name="Collections")
    o.hr_department = DepartmentFactory(branch=o.branch, name="HR")
    o.hr = make_staff(roles.HR, branch=o.branch, username="hr.a", department=o.hr_department)
    o.manager = make_staff(roles.BRANCH_MANAGER, branch=o.branch, username="manager.a")
    o.head = make_staff(roles.DEPARTMENT_HEAD, branch=o.branch, username="head.a")
    o.collections.head = o.head
    o.collections.save()
    o.supervisor = make_staff(
        roles.SUPERVISOR,
        branch=o.branch,
        username="sup.a",
        position=Position.COLLECTION_SUPERVISOR,
        department=o.collections,
    )
    o.collector = make_staff(
        roles.PHONE_COLLECTOR,
        branch=o.branch,
        username="coll.a",
        position=Position.JUNIOR_COLLECTOR,
        department=o.collections,
        hire_date=dt.date(2024, 1, 15),
    )
    o.colleague = make_staff(
        roles.PHONE_COLLECTOR,
        branch=o.branch,
        username="coll.a2",
        position=Position.MID_COLLECTOR,
        department=o.collections,
        hire_date=dt.date(2023, 6, 1),
    )
    o.desk = make_staff(roles.FRONT_DESK, branch=o.branch, username="desk.a")
    o.other_hr = make_staff(roles.HR, branch=o.other_branch, username="hr.b")
    o.other_collector = make_staff(
        roles.PHONE_COLLECTOR,
        branch=o.other_branch,
        username="coll.b",
        position=Position.JUNIOR_COLLECTOR,
    )
    o.hq_hr = make_staff(roles.HR, branch=o.hq, username="hr.hq")
    return o
