"""Promotion rows for the shared test worlds (the scoping battery, pages in Chinese).

Made straight in the database (not through the services, whose figures need payments):
a company-wide open cycle, and per side an application by the side's collector, on
public notice, with one evidence file and one open appeal.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from collections_office.workdays import company_today
from staff.models import (
    Position,
    PromotionAppeal,
    PromotionApplication,
    PromotionCycle,
    PromotionEvidence,
)


def promotion_cycle(opened_by) -> PromotionCycle:
    today = company_today()
    cycle, _created = PromotionCycle.objects.get_or_create(
        name="World cycle",
        defaults={
            "period_start": today - dt.timedelta(days=365),
            "period_end": today,
            "steps": [Position.JUNIOR_COLLECTOR, Position.MID_COLLECTOR],
            "deadline": today + dt.timedelta(days=30),
            "quorum": 1,
            "opened_by": opened_by,
        },
    )
    return cycle


def promotion_application(side) -> PromotionApplication:
    """The side's collector's application, on public notice, with evidence and an appeal."""
    applicant = side.collector
    cycle = promotion_cycle(applicant)
    now = timezone.now()
    application, created = PromotionApplication.objects.get_or_create(
        cycle=cycle,
        applicant=applicant,
        defaults={
            "branch": applicant.staff_profile.branch,
            "from_position": Position.JUNIOR_COLLECTOR,
            "to_position": Position.MID_COLLECTOR,
            "status": PromotionApplication.Status.PUBLIC_NOTICE,
            "personal_details": {"name": "王小明", "employee_number": "W1"},
            "figures": {"cases_worked": 3, "amount_collected": None, "months": []},
            "compliance": {"summary": {"violations": {"total": 0}}, "complaints": []},
            "capability_statement": "能力",
            "attitude_statement": "态度",
            "submitted_at": now,
            "committee_round": 1,
            "notice_starts_at": now - dt.timedelta(days=1),
            "notice_ends_at": now + dt.timedelta(days=5),
            "effective_on": company_today() + dt.timedelta(days=6),
        },
    )
    if created:
        PromotionEvidence.objects.create(
            application=application,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="award.pdf"),
            original_name="award.pdf",
            content_type="application/pdf",
            size=15,
            uploaded_by=applicant,
        )
        PromotionAppeal.objects.create(application=application, filed_by=applicant, grounds="异议")
    return application


def evidence_of(side):
    return promotion_application(side).evidence.get()


def appeal_of(side):
    return promotion_application(side).appeals.get()
