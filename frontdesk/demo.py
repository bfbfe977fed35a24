"""Demo data for `manage.py seed_demo`: a week of visitors, phone messages and documents.

Written through the services (so history rows exist) with notifications kept
quiet; a desk that already has entries is left alone, so a second run changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from collections_office.workdays import company_tz, is_working_day

from . import services
from .models import Document, PhoneMessage, RoutingStep, Visit

VISITORS = [
    ("Chen Jie", "ICBC Shanghai", "Quarterly reconciliation"),
    ("Liu Yang", "Bank of Communications", "Placement file review"),
    ("Zhao Min", "China Merchants Bank", "Contract renewal"),
    ("Sun Hao", "Debtor (walk-in)", "Repayment plan"),
    ("Zhou Lan", "City Court", "Delivery of documents"),
    ("Wu Qiang", "Audit firm", "Annual audit"),
    ("Ma Li", "Job candidate", "Interview"),
    ("Hu Bin", "IT supplier", "Phone system maintenance"),
]
CALLERS = [
    ("Mr Gao", "ICBC Shanghai", "+8613800138000", "Please call back about the March placement."),
    ("Ms Tang", "Bank of Communications", "+862158881234", "Asks for the reconciliation file."),
    ("Mr Xie", "", "+8613912345678", "Debtor asks to reschedule his payment."),
    ("Ms Lin", "District Court", "+861065512345", "Hearing date moved; wants confirmation."),
]
DOCUMENTS = [
    ("Notice of enforcement", "Pudong District Court", "(2026) Hu 0115 Zhi {n}", False, True),
    ("Placement agreement amendment", "ICBC Shanghai", "ICBC-SH-{n}", False, False),
    ("Staff salary adjustments", "HQ HR", "HR-{n}", True, False),
    ("Monthly collection report", "Collections", "COL-{n}", False, False),
]
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), company_tz())


def _people(desk: User) -> tuple[list[User], User | None]:
    branch = desk.staff_profile.branch
    staff = list(
        User.objects.filter(staff_profile__branch=branch, is_active=True)
        .exclude(pk=desk.pk)
        .order_by("username")
    )
    head = next((u for u in staff if u.username.endswith(".manager")), staff[0] if staff else None)
    return staff, head


def _seed_desk(desk: User, rng: random.Random) -> dict:
    created = {"visits": 0, "messages": 0, "documents": 0}
    staff, head = _people(desk)
    if not staff or head is None:
        return created
    today = timezone.localdate(timezone=company_tz())
    days = [today - dt.timedelta(days=offset) for offset in range(9, -1, -1)]
    days = [day for day in days if is_working_day(day)][-6:]
    number = 100
    for day in days:
        is_today = day == today
        for index in range(rng.randint(3, 5)):
            name, organisation, purpose = rng.choice(VISITORS)
            arrived = _local(day, 9 + index * 2, rng.choice([0, 10, 25, 40]))
            if arrived > timezone.now():
                continue
            visit = services.visit_register(
                actor=desk,
                visitor_name=name,
                organisation=organisation,
                phone=f"+86139{rng.randint(10000000, 99999999)}",
                purpose=purpose,
                host=rng.choice(staff),
                arrived_at=arrived,
                badge_number=f"V-{index + 1:02d}",
            )
            created["visits"] += 1
            if not is_today or index == 0:
                services.visit_check_out(
                    visit=visit, actor=desk, departed_at=arrived + dt.timedelta(minutes=50)
                )
        for index in range(rng.randint(2, 3)):
            caller, organisation, phone, text = rng.choice(CALLERS)
            recipient = rng.choice(staff)
            message = services.message_take(
                actor=desk,
                caller_name=caller,
                caller_organisation=organisation,
                caller_phone=phone,
                message=text,
                recipient=recipient,
                urgency="urgent" if index == 0 and is_today else "normal",
                taken_at=_local(day, 10 + index * 2, 15),
            )
            created["messages"] += 1
            if not is_today:
                services.message_mark_handled(message=message, actor=recipient, note="Called back")
        title, sender, reference, confidential, needs_reply = DOCUMENTS[number % len(DOCUMENTS)]
        number += 1
        document = services.document_register(
            actor=desk,
            title=title,
            sender=sender,
            receiving_unit="Collections",
            reference_number=reference.format(n=number),
            document_date=day,
            confidentiality="confidential" if confidential else "normal",
            reply_required=needs_reply,
            reply_due=day + dt.timedelta(days=5) if needs_reply else None,
            files=[SimpleUploadedFile(f"scan-{number}.pdf", SCAN)],
        )
        created["documents"] += 1
        step = services.document_route(document=document, actor=desk, recipient=head)
        # Back-date the hand-over to the day the document came in.
        routed_at = _local(day, 11)
        RoutingStep.objects.filter(pk=step.pk).update(
            routed_at=routed_at, sign_due_at=routed_at + dt.timedelta(days=1)
        )
        if day < today - dt.timedelta(days=1):
            services.step_sign(step=step, actor=head)
    return created


@transaction.atomic
def seed(*, stdout=None) -> dict:
    """Adds a week of front-desk entries for every demo desk that has none yet."""
    rng = random.Random(20261123)  # the same week every time  # noqa: S311
    totals = {"visits": 0, "messages": 0, "documents": 0}
    desks = User.objects.filter(username__in=["hq.desk", "sh.desk", "bj.desk"]).order_by("username")
    with services.quiet_notifications():
        for desk in desks:
            has_entries = (
                Visit.objects.filter(registered_by=desk).exists()
                or PhoneMessage.objects.filter(taken_by=desk).exists()
                or Document.objects.filter(registered_by=desk).exists()
            )
            if has_entries:
                continue
            for key, value in _seed_desk(desk, rng).items():
                totals[key] += value
    if stdout:
        stdout.write(
            "frontdesk: {visits} visits, {messages} phone messages, "
            "{documents} documents created".format(**totals)
        )
    return totals
