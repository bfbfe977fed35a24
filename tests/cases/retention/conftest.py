"""Data for the retention purge tests: an agreement whose data is past its retention end,
with one of every kind of personal data and file, and another agreement whose data
(and a debtor shared with the first) must survive."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from cases.models import (
    BankRepayment,
    CallLog,
    CaseHold,
    Payment,
    Placement,
    Promise,
    RepaymentFile,
    SpecialProcedure,
    SpecialProcedureDocument,
    VisitNomination,
    VisitPhoto,
    VisitReport,
)
from collections_office.workdays import company_today
from staff import roles
from staff.models import Notification, PersonalDataView
from tests.cases.api.builders import make_case
from tests.cases.conftest import AgreementFactory, BankFactory

TERMINATED = dt.date(2026, 6, 30)
# Five years after termination, and a day.
AFTER_RETENTION = dt.datetime(2031, 7, 2, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    travellers = []

    def move(when):
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def hq_admin(staff_user, hq):
    return staff_user(roles.ADMIN_STAFF, branch=hq, username="hq.admin")


@pytest.fixture
def branch_admin(staff_user, branch_a):
    return staff_user(roles.ADMIN_STAFF, branch=branch_a, username="branch.admin")


@pytest.fixture
def collector(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="collector.a")


@pytest.fixture
def old_agreement(branch_a):
    return AgreementFactory(
        bank=BankFactory(code="oldbank", name="Old Bank"),
        branch=branch_a,
        number="OLD-1",
        signed_on=dt.date(2021, 1, 5),
        effective_from=dt.date(2021, 1, 10),
        terminates_on=TERMINATED,
    )


@pytest.fixture
def live_agreement(branch_a):
    return AgreementFactory(
        bank=BankFactory(code="livebank", name="Live Bank"), branch=branch_a, number="LIVE-1"
    )


def _file(field_file, name: str, text: str) -> str:
    field_file.save(name, ContentFile(text.encode()), save=False)
    return field_file.name


def placement_with_files(agreement, text: str) -> Placement:
    content = text.encode()
    placement = Placement.objects.create(
        bank=agreement.bank,
        agreement=agreement,
        status=Placement.Status.COMPLETED,
        original_file=ContentFile(content, name="placement.csv"),
        original_name="placement.csv",
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    placement.backup_path = storages["backup"].save(
        f"placements/backup-{placement.pk}.csv", ContentFile(content)
    )
    placement.save(update_fields=["backup_path"])
    return placement


def case_with_everything(agreement, collector, *, debtor, account_no: str):
    """A case with a call and its recording, a promise, a payment with a receipt, a hold,
    a visit with its report, audio and photo, a special procedure with a document, a
    personal-data view and a notification linking to it."""
    placement = placement_with_files(agreement, f"account,name\n{account_no},{debtor.name}\n")
    case = make_case(agreement, placement=placement, debtor=debtor, account_no=account_no)
    case.assigned_to = collector
    case.save()
    now = timezone.now()
    contact = debtor.contact_points.first()
    call = CallLog(
        case=case,
        collector=collector,
        contact_point=contact,
        party="debtor",
        started_at=now,
        status="started",
        notes=f"{debtor.name} promised",
        recording_sha256="0" * 64,
    )
    _file(call.recording, "call.wav", "recording")
    call.save()
    Promise.objects.create(
        case=case,
        amount=Decimal("100.00"),
        due_on=now.date(),
        counts_from=now.date(),
        made_by=collector,
        call=call,
    )
    payment = Payment(
        case=case,
        amount=Decimal("100.00"),
        paid_on=now.date(),
        channel="to_bank",
        claimed_by=collector,
        receipt_sha256="0" * 64,
    )
    _file(payment.receipt, "receipt.jpg", "receipt")
    payment.save()
    CaseHold.objects.create(
        case=case, kind="dispute", reason="Disputes", placed_by=collector, placed_at=now
    )
    nomination = VisitNomination.objects.create(
        case=case,
        branch=case.branch,
        nominated_by=collector,
        field_collector=collector,
        reason="No answer",
        address="上海市浦东新区世纪大道100号",
        find_out="Lives there?",
        nominated_at=now,
        list_day=now.date(),
        due_at=now,
    )
    report = VisitReport(
        nomination=nomination,
        case=case,
        branch=case.branch,
        field_collector=collector,
        visited_at=now,
        place="home",
        met="debtor",
        outcome="promised",
        recording_sha256="0" * 64,
        recording_size=9,
        recording_content_type="audio/wav",
        submitted_at=now,
    )
    _file(report.recording, "visit.wav", "visit audio")
    report.save()
    photo = VisitPhoto(report=report, sha256="0" * 64, content_type="image/jpeg", size=5)
    _file(photo.image, "photo.jpg", "photo")
    photo.save()
    procedure = SpecialProcedure.objects.create(
        case=case,
        branch=case.branch,
        kind="legal_action",
        reason="Court",
        requested_by=collector,
        requested_at=now,
    )
    document = SpecialProcedureDocument(
        procedure=procedure,
        original_name="court.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=5,
        uploaded_by=collector,
    )
    _file(document.file, "court.pdf", "court")
    document.save()
    PersonalDataView.objects.create(
        user=collector,
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        fields="name, phone",
    )
    Notification.objects.create(
        recipient=collector, title=f"Call {debtor.name}", url=f"/cases/{case.pk}/"
    )
    repayment_for(case)
    return case


def repayment_for(case):
    """The bank's repayment file (original and backup copy) with one repayment on `case`."""
    content = f"account,amount\n{case.account_no},100.00\n".encode()
    repayment_file = RepaymentFile.objects.create(
        bank=case.bank,
        agreement=case.agreement,
        status="completed",
        original_file=ContentFile(content, name="repayments.csv"),
        original_name="repayments.csv",
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    repayment_file.backup_path = storages["backup"].save(
        f"repayments/backup-{repayment_file.pk}.csv", ContentFile(content)
    )
    repayment_file.save(update_fields=["backup_path"])
    return BankRepayment.objects.create(
        repayment_file=repayment_file,
        bank=case.bank,
        agreement=case.agreement,
        case=case,
        account_no=case.account_no,
        amount=Decimal("100.00"),
        paid_on=company_today(),
        reference=f"REF-{case.account_no}",
        row=2,
    )


def files_of(case) -> list[tuple[str, str]]:
    """(storage alias, name) of every file that belongs to `case`."""
    names = [("default", case.last_placement.original_file.name)]
    names.append(("backup", case.last_placement.backup_path))
    names += [("default", c.recording.name) for c in case.calls.all()]
    names += [("default", p.receipt.name) for p in case.payments.all()]
    for report in VisitReport.objects.filter(case=case):
        names.append(("default", report.recording.name))
        names += [("default", photo.image.name) for photo in report.photos.all()]
    for document in SpecialProcedureDocument.objects.filter(procedure__case=case):
        names.append(("default", document.file.name))
    for repayment in BankRepayment.objects.filter(case=case):
        names.append(("default", repayment.repayment_file.original_file.name))
        names.append(("backup", repayment.repayment_file.backup_path))
    return names


def exists(alias: str, name: str) -> bool:
    return storages[alias].exists(name)
