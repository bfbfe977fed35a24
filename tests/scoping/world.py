"""Two branches' worth of rows for the scoping tests: "home" (branch A, bank A) and
"foreign" (branch B, bank B, a collector of branch B).

`build_world()` makes one person per role in branch A (`world.users[role]`), and the
same set of rows on each side (`world.home.case`, `world.foreign.case` …). The
battery asks every route for a foreign row as every home user; the `visible_to`
tests check that a home user sees the home row and not the foreign one.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import AgreementCommissionRate, CaseAssignmentBatch, CaseHold, ContactPoint
from frontdesk import services as desk_services
from frontdesk.models import Document
from reporting.models import DailyCollectorFigures, ReportResult, ReportRun, Scope
from staff import roles
from staff.approvals import ApprovalKind, register_approval_kind
from staff.models import ApprovalRequest, Notification
from tests.cases.api.builders import issue_key, make_case, make_debtor, make_placement
from tests.cases.conftest import AgreementFactory, BankFactory
from tests.factories import BranchFactory, DepartmentFactory, make_staff
from tests.staff.talent.world_rows import add_talent_rows

ID_NUMBERS = {"A": "110101199003078515", "B": "11010519491231002X"}  # valid check digits
PHONES = {"A": "+8613812345678", "B": "+8613912345678"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"scan " * 40


# A kind of approval for the world's requests (areas register their own at start-up).
SCOPING_APPROVAL_KIND = register_approval_kind(
    ApprovalKind(
        key="scoping.case_request",
        label="Scoping test request",
        approver_roles=(roles.SUPERVISOR,),
        on_decided=lambda approval, approved: None,
    )
)


def _side(code: str) -> SimpleNamespace:
    """One branch with a bank, an agreement, a placement, a case, front desk rows …"""
    side = SimpleNamespace()
    side.branch = BranchFactory(code=f"BR{code}", name=f"Branch {code}")
    department = DepartmentFactory(branch=side.branch, name=f"Collections {code}")
    side.desk = make_staff(roles.FRONT_DESK, branch=side.branch, username=f"desk.{code}")
    side.collector = make_staff(
        roles.PHONE_COLLECTOR, branch=side.branch, username=f"coll.{code}", department=department
    )
    side.supervisor = make_staff(roles.SUPERVISOR, branch=side.branch, username=f"sup.{code}")
    side.staff_profile = side.collector.staff_profile

    side.bank = BankFactory(code=f"bank{code.lower()}", name=f"Bank {code}")
    side.agreement = AgreementFactory(bank=side.bank, branch=side.branch, number=f"{code}-001")
    side.bucket_rate = AgreementCommissionRate.objects.create(
        agreement=side.agreement, bucket="M1", rate="0.1000"
    )
    side.api_key, side.raw_key = issue_key(side.bank)
    side.placement = make_placement(side.agreement)
    side.row_error = side.placement.row_errors.create(row_number=2, column="x", message="bad")
    side.debtor = make_debtor(
        name=f"Debtor {code}",
        id_number=ID_NUMBERS[code],
        phones=(PHONES[code],),
        address=f"Shanghai Road {code} 1",
    )
    side.contact_point = side.debtor.contact_points.filter(kind=ContactPoint.Kind.PHONE).first()
    side.case = make_case(
        side.agreement, placement=side.placement, debtor=side.debtor, assigned_to=side.collector
    )
    side.hold = CaseHold.objects.create(
        case=side.case,
        kind=CaseHold.Kind.DISPUTE,
        reason="disputes the fees",
        placed_by=side.collector,
        placed_at=timezone.now(),
    )
    side.assignment_batch = CaseAssignmentBatch.objects.create(
        kind=CaseAssignmentBatch.Kind.SINGLE, branch=side.branch, created_by=side.supervisor
    )
    side.notification = Notification.objects.create(
        recipient=side.collector, title=f"For {code}", url="/"
    )

    side.approval = ApprovalRequest.objects.create(
        kind=SCOPING_APPROVAL_KIND.key,
        branch=side.branch,
        content_type=ContentType.objects.get_for_model(side.case),
        object_id=side.case.pk,
        summary=f"Extend case {code}",
        requested_by=side.collector,
    )

    side.report_run = ReportRun.objects.create(
        kind="collector_weekly",
        period_start=dt.date(2026, 11, 16),
        period_end=dt.date(2026, 11, 22),
        scope=Scope.BRANCH,
        scope_id=side.branch.pk,
        trigger=ReportRun.Trigger.MANUAL,
        status=ReportRun.Status.SUCCEEDED,
    )
    side.report_result = ReportResult.objects.create(
        kind="collector_weekly",
        period_start=dt.date(2026, 11, 16),
        period_end=dt.date(2026, 11, 22),
        scope=Scope.BRANCH,
        scope_id=side.branch.pk,
        run=side.report_run,
        generated_at=timezone.now(),
        columns=[{"key": "collector", "numeric": False}],
        rows=[{"collector": f"Collector {code}", "branch_id": side.branch.pk}],
    )

    side.rollup_row = DailyCollectorFigures.objects.create(
        day=dt.date(2026, 11, 16),
        collector=side.collector,
        branch=side.branch,
        calls=3,
        computed_at=timezone.now(),
    )

    side.visit = desk_services.visit_register(
        actor=side.desk, visitor_name=f"Visitor {code}", purpose="meeting", host=side.collector
    )
    side.message = desk_services.message_take(
        actor=side.desk, caller_name=f"Caller {code}", message="call back", recipient=side.collector
    )
    side.document = desk_services.document_register(
        actor=side.desk,
        title=f"Court notice {code}",
        sender="Court",
        receiving_unit="Collections",
        document_date=dt.date(2026, 11, 20),
        confidentiality=Document.Confidentiality.CONFIDENTIAL,
        files=[SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")],
    )
    side.attachment = side.document.attachments.get()
    side.step = desk_services.document_route(
        document=side.document, actor=side.desk, recipient=side.supervisor
    )
    _team_work_rows(side)
    add_talent_rows(side)  # training, recruitment, succession (issue 12)
    return side


def _team_work_rows(side: SimpleNamespace) -> None:
    """A weekly report, a campaign and a call quality review of the side's collector."""
    from cases.models import (
        CallLog,
        CallOutcome,
        CallQualityReview,
        Campaign,
        CampaignCase,
        WeeklyReport,
    )

    now = timezone.now()
    side.weekly_report = WeeklyReport.objects.create(
        collector=side.collector, branch=side.branch, week_start=dt.date(2026, 11, 16)
    )
    side.campaign = Campaign.objects.create(
        name=f"Campaign {side.branch.code}",
        branch=side.branch,
        lead=side.collector,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 31),
        target_amount="1000.00",
        created_by=side.supervisor,
    )
    side.campaign_case = CampaignCase.objects.create(
        campaign=side.campaign, case=side.case, added_by=side.supervisor
    )
    outcome, _created = CallOutcome.objects.get_or_create(
        code="contacted", defaults={"label": "Contacted", "answered": True, "conversation": True}
    )
    side.reviewed_call = CallLog.objects.create(
        case=side.case,
        collector=side.collector,
        contact_point=side.contact_point,
        party="debtor",
        started_at=now,
        outcome=outcome,
        status="completed",
        completed_at=now,
        telephony_recording_id="PBX-REVIEWED",
    )
    side.quality_review = CallQualityReview.objects.create(
        call=side.reviewed_call,
        collector=side.collector,
        case=side.case,
        reviewer=side.supervisor,
        score=40,
        reviewed_at=now,
    )
    side.quality_mark = side.quality_review.marks.create(item=_checklist_item(), weight=100, mark=1)


def _checklist_item():
    """An item of the default checklist (made again if a browser test's flush removed it)."""
    from importlib import import_module

    from django.apps import apps

    from cases.models import QualityChecklistItem

    import_module("cases.migrations.0017_default_quality_checklist").add_items(apps, None)
    return QualityChecklistItem.objects.get(code="verified_party")


def build_world() -> SimpleNamespace:
    """Branch A (home, with one user per role) and branch B (foreign)."""
    world = SimpleNamespace()
    world.home = _side("A")
    world.foreign = _side("B")
    world.users = {
        role: make_staff(role, branch=world.home.branch, username=f"{role}.home")
        for role in roles.ALL_ROLES
    }
    world.now = timezone.now()
    return world
