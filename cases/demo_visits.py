"""`seed_demo`'s field visits and approvals (issue 10): for every branch with a demo field
collector, today's visit list of four cases nominated by a phone collector, an approved
visit plan of three of them, one visit report (with its recording and a photo) waiting for
the supervisor's review, and a collection-period extension waiting for approval.

Everything goes through the services and the approvals framework, so the demo shows what
the product makes. Idempotent: a field collector who already has a visit is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from collections_office.workdays import company_today
from staff import roles

from .audio import tone_wav
from .models import Case, CollectionPeriodExtension, VisitNomination
from .services import procedures as procedure_services
from .services import visits as visit_services

VISITS = 4
PLANNED = 3
# A 1×1 PNG: the demo's "photo of the door".
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082"
)


def _first(role: str, branch):
    return (
        get_user_model()
        .objects.filter(groups__name=role, staff_profile__branch=branch, is_active=True)
        .order_by("username")
        .first()
    )


def _decide(subject, supervisor) -> None:
    from staff.selectors_approvals import latest_approval
    from staff.services_approvals import approval_decide

    approval_decide(approval=latest_approval(subject), user=supervisor, approve=True)


def _seed_branch(field_collector, stdout) -> bool:
    branch = field_collector.staff_profile.branch
    supervisor = _first(roles.SUPERVISOR, branch)
    if supervisor is None:
        return False
    cases = list(
        Case.objects.filter(
            branch=branch,
            status__in=Case.OPEN_STATUSES,
            assigned_to__groups__name=roles.PHONE_COLLECTOR,
        )
        .exclude(visit_nominations__status__in=VisitNomination.OPEN_STATUSES)
        .select_related("assigned_to", "debtor", "agreement")
        .order_by("account_no")[: VISITS + 1]
    )
    if len(cases) < VISITS + 1:
        return False
    with transaction.atomic():
        nominations = [
            visit_services.visit_nominate(
                case=case,
                actor=case.assigned_to,
                field_collector=field_collector,
                reason="电话长期无人接听，需上门核实",
                address=_address(case),
                find_out="债务人是否仍居住于此；工作单位；还款意愿",
            )
            for case in cases[:VISITS]
        ]
        plan = visit_services.visit_plan_submit(
            actor=field_collector,
            visit_date=company_today(),  # the company's day, as the service checks
            nomination_ids=[nomination.pk for nomination in nominations[:PLANNED]],
            notes="按地铁线路顺序外访",
        )
        _decide(plan, supervisor)
        visit_services.visit_report_file(
            nomination=nominations[0],
            actor=field_collector,
            visited_at=timezone.now(),
            place="债务人住所门口",
            met="debtor",
            outcome="promised",
            notes="债务人承诺本周五前还款 2,000 元",
            recording=SimpleUploadedFile("visit.wav", tone_wav(seconds=1.0)),
            photos=[SimpleUploadedFile("door.png", PNG)],
        )
        extended = cases[VISITS]
        if not CollectionPeriodExtension.objects.filter(case=extended).exists():
            procedure_services.period_extension_request(
                case=extended,
                actor=extended.assigned_to,
                new_ends_on=procedure_services.period_end(extended) + dt.timedelta(days=30),
                reason="债务人已开始分期还款，需继续跟进",
                next_steps="每周电话跟进一次；月底前上门一次",
            )
    return True


def _address(case: Case) -> str:
    for point in case.debtor.contact_points.all():
        if point.kind == "address" and point.is_valid:
            return point.value
    return "上海市浦东新区世纪大道100号"


def seed(*, stdout=None) -> dict:
    field_collectors = (
        get_user_model()
        .objects.filter(groups__name=roles.FIELD_COLLECTOR, is_active=True)
        .select_related("staff_profile__branch")
        .order_by("username")
    )
    seeded = 0
    for field_collector in field_collectors:
        if not hasattr(field_collector, "staff_profile"):
            continue
        if VisitNomination.objects.filter(field_collector=field_collector).exists():
            continue
        if _seed_branch(field_collector, stdout):
            seeded += 1
    if stdout is not None:
        stdout.write(f"Field visits: demo visit lists for {seeded} field collectors.")
    return {"field_collectors": seeded}
