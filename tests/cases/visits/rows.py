"""Field-visit, procedure and period rows on one side of the scoping world
(tests/scoping/world.py), built directly (not through the services) and cached on the
side: the scoping battery and the visits' own scoping tests use them.

The visit goes to a field collector of the side's branch ("field.<branch code>") who is
none of the battery's users, so the battery's collectors see none of it.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.audio import tone_wav
from cases.models import (
    CollectionPeriodExtension,
    SafetyAlert,
    SpecialProcedure,
    SpecialProcedureDocument,
    VisitDeadlineExtension,
    VisitNomination,
    VisitPhoto,
    VisitPlan,
    VisitPlanStop,
    VisitReport,
)
from collections_office.workdays import company_today
from staff import roles
from tests.factories import make_staff

# A 1×1 PNG (valid chunks and checksums).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def field_collector_of(side):
    from django.contrib.auth import get_user_model

    username = f"field.{side.branch.code}"
    existing = get_user_model().objects.filter(username=username).first()
    return existing or make_staff(roles.FIELD_COLLECTOR, branch=side.branch, username=username)


def visit_rows(side) -> SimpleNamespace:
    cached = getattr(side, "_visit_rows", None)
    if cached is not None:
        return cached
    now = timezone.now()
    rows = SimpleNamespace()
    rows.field_collector = field_collector_of(side)
    rows.nomination = VisitNomination.objects.create(
        case=side.case,
        branch=side.branch,
        nominated_by=side.collector,
        field_collector=rows.field_collector,
        reason="电话无人接听",
        address="上海市浦东新区世纪大道100号",
        find_out="是否仍住在该地址",
        nominated_at=now,
        list_day=company_today(),
        due_at=now,
    )
    rows.plan = VisitPlan.objects.create(
        branch=side.branch,
        field_collector=rows.field_collector,
        visit_date=company_today(),
        submitted_at=now,
        status=VisitPlan.Status.APPROVED,
        decided_by=side.supervisor,
        decided_at=now,
    )
    VisitPlanStop.objects.create(plan=rows.plan, nomination=rows.nomination, position=1)
    report = VisitReport(
        nomination=rows.nomination,
        case=side.case,
        branch=side.branch,
        field_collector=rows.field_collector,
        visited_at=now,
        place="债务人家门口",
        met="debtor",
        outcome=VisitReport.Outcome.PROMISED,
        recording_sha256=hashlib.sha256(b"x").hexdigest(),
        recording_size=10,
        recording_content_type="audio/wav",
        submitted_at=now,
    )
    report.recording.save("battery.wav", ContentFile(tone_wav(seconds=0.1)), save=False)
    report.save()
    rows.report = report
    photo = VisitPhoto(report=report, sha256="0" * 64, content_type="image/png", size=len(PNG))
    photo.image.save("battery.png", ContentFile(PNG), save=False)
    photo.save()
    rows.photo = photo
    rows.visit_extension = VisitDeadlineExtension.objects.create(
        nomination=rows.nomination,
        branch=side.branch,
        requested_by=rows.field_collector,
        requested_at=now,
        due_before=now,
        new_due_on=company_today(),
        reason="债务人外出",
    )
    rows.alert = SafetyAlert.objects.create(
        nomination=rows.nomination,
        case=side.case,
        branch=side.branch,
        raised_by=rows.field_collector,
        raised_at=now,
        message="现场有恶犬",
    )
    rows.procedure = SpecialProcedure.objects.create(
        case=side.case,
        branch=side.branch,
        kind=SpecialProcedure.Kind.LEGAL_ACTION,
        reason="恶意逃债",
        requested_by=side.collector,
        requested_at=now,
        status=SpecialProcedure.Status.APPROVED,
        decided_at=now,
    )
    document = SpecialProcedureDocument(
        procedure=rows.procedure,
        original_name="证据.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=len(PDF),
        uploaded_by=side.collector,
    )
    document.file.save("evidence.pdf", ContentFile(PDF), save=False)
    document.save()
    rows.document = document
    rows.period_extension = CollectionPeriodExtension.objects.create(
        case=side.case,
        branch=side.branch,
        ends_before=company_today(),
        new_ends_on=company_today() + timezone.timedelta(days=30),
        reason="还款缓慢",
        next_steps="每周电话跟进",
        requested_by=side.collector,
        requested_at=now,
    )
    side._visit_rows = rows
    return rows


def nomination_for(side, field_collector) -> VisitNomination:
    """A visit on another case of the side, on `field_collector`'s list (cached)."""
    cached = getattr(side, "_own_nomination", None)
    if cached is not None:
        return cached
    from tests.cases.api.builders import make_case

    now = timezone.now()
    case = make_case(side.agreement, assigned_to=side.collector)
    side._own_nomination = VisitNomination.objects.create(
        case=case,
        branch=side.branch,
        nominated_by=side.collector,
        field_collector=field_collector,
        reason="电话无人接听",
        address="上海市浦东新区世纪大道100号",
        find_out="是否仍住在该地址",
        nominated_at=now,
        list_day=company_today(),
        due_at=now,
    )
    return side._own_nomination
