"""`seed_demo`'s collection work: a realistic day for every demo phone collector.

Each collector gets about 40 cases of their branch: most assigned four weeks ago and
worked since (a call history with short generated recordings, a few bank balance
updates, classifications), some callbacks due today, a few holds (one active), a
supervisor's compliance overrides, and a handful of new assignments not yet touched.
Everything else of the branch stays unassigned for the supervisor.

Every demo call obeys the China 2026 rules: inside 08:00–22:00 China time, at most
two calls per case a day (so never more than 6 unanswered per number), only to the
debtor's own numbers unless a supervisor's override allowed a third party; no call
while a hold is active, none in the future.

The assignment and call-log services live in other parts of the workflow; rows are
written here directly with bulk_create (the same rows those services write), so the
demo neither depends on their arrival nor takes minutes. Idempotent: a collector
who already has an assignment is left alone, and the recording files are stored once
per tone under a fixed name and shared by the calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from staff import roles

from .audio import tone_wav
from .models import (
    CallLog,
    CallOutcome,
    Case,
    CaseAssignment,
    CaseAssignmentBatch,
    CaseHold,
    ComplianceOverride,
    ComplianceRefusal,
    ContactPoint,
)

CHINA = ZoneInfo("Asia/Shanghai")
CASES_PER_COLLECTOR = 40
NEW_ASSIGNMENTS = 6  # assigned this morning, not yet touched (the 2-hour clock runs)
CALLBACKS_TODAY = 5
WEEKS = 4
# (frequency Hz, seconds): a few different recordings, each stored once (~8–24 KB).
TONES = [(440, 0.5), (523, 1.0), (659, 1.5)]
# Outcome codes and their weights for a day's call on a worked case.
OUTCOME_WEIGHTS = [
    ("no_answer", 38),
    ("busy", 10),
    ("contacted", 20),
    ("promise_to_pay", 10),
    ("refused", 8),
    ("callback", 8),
    ("wrong_number", 3),
    ("paid", 3),
]
NOTES = {
    "contacted": ["Debtor acknowledged the debt, asked for the balance.", "Talked about a plan."],
    "promise_to_pay": ["Promised to pay 2,000 by Friday.", "Will pay half next week."],
    "refused": ["Refuses: says the bank added unfair fees.", "Hung up after hearing the amount."],
    "callback": ["Busy at work, call back later.", "Asked us to call after 18:00."],
    "paid": ["Says paid at the bank counter; asked for the receipt."],
    "wrong_number": ["Answered by a stranger: not the debtor's number."],
}


def _recordings() -> list[dict]:
    """The shared demo recordings (stored once; a second run finds them)."""
    stored = []
    for frequency, seconds in TONES:
        content = tone_wav(seconds=seconds, frequency=frequency)
        name = f"recordings/demo/tone-{frequency}hz-{int(seconds * 1000)}ms.wav"
        if not default_storage.exists(name):
            # The storage may rename on a clash; keep whatever name it gave.
            name = default_storage.save(name, ContentFile(content))
        stored.append(
            {
                "recording": name,
                "recording_sha256": hashlib.sha256(content).hexdigest(),
                "recording_size": len(content),
                "recording_content_type": "audio/wav",
                "duration_seconds": 0,
            }
        )
    return stored


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA)


def _worked_days(today: dt.date, rng: random.Random) -> list[dt.date]:
    """Days of the last four weeks (not today) the case was called: mostly working days."""
    days = []
    for back in range(WEEKS * 7, 0, -1):
        day = today - dt.timedelta(days=back)
        weekend = day.weekday() >= 5
        if rng.random() < (0.08 if weekend else 0.3):
            days.append(day)
    return days or [today - dt.timedelta(days=1)]


class _Seeder:
    def __init__(self, collector, supervisor, rng: random.Random, now: dt.datetime):
        self.collector = collector
        self.supervisor = supervisor
        self.rng = rng
        self.now = now
        self.today = now.astimezone(CHINA).date()
        self.outcomes = {outcome.code: outcome for outcome in CallOutcome.objects.all()}
        self.recordings = _recordings()
        self.calls: list[CallLog] = []
        self.summary = {"cases": 0, "calls": 0, "holds": 0, "overrides": 0, "callbacks": 0}

    def run(self, cases: list[Case]) -> dict:
        new_cases = cases[:NEW_ASSIGNMENTS]
        worked = cases[NEW_ASSIGNMENTS:]
        self._assign(worked, new_cases)
        phones = self._phones(worked)
        for index, case in enumerate(worked):
            self._calls_for(case, phones.get(case.debtor_id, []), callback=index < CALLBACKS_TODAY)
        CallLog.objects.bulk_create(self.calls, batch_size=500)
        self._holds(worked[CALLBACKS_TODAY : CALLBACKS_TODAY + 3])
        self._overrides(worked[CALLBACKS_TODAY + 3 : CALLBACKS_TODAY + 6], phones)
        self.summary["calls"] = len(self.calls)  # with the calls the overrides allowed
        self._bank_updates(worked[-6:])
        Case.objects.bulk_update(
            cases,
            [
                "assigned_to",
                "assigned_at",
                "status",
                "first_action_at",
                "last_call_at",
                "last_contact_at",
                "next_callback_at",
                "placed_at",
            ],
            batch_size=200,
        )
        self._backdate_placement_history(worked)
        self._classify(worked[CALLBACKS_TODAY : CALLBACKS_TODAY + 8])
        self.summary["cases"] = len(cases)
        return self.summary

    # -- assignment ----------------------------------------------------------------------

    def _assign(self, worked: list[Case], new_cases: list[Case]) -> None:
        start = self.today - dt.timedelta(days=WEEKS * 7)
        distributed_at = _at(start, 9, 40)
        batch = CaseAssignmentBatch.objects.create(
            kind=CaseAssignmentBatch.Kind.AUTOMATIC,
            branch=worked[0].branch,
            created_by=self.supervisor,
            description="Demo: the month's placement, balanced by open balance",
            case_count=len(worked),
        )
        CaseAssignmentBatch.objects.filter(pk=batch.pk).update(created_at=distributed_at)
        morning = self.now - dt.timedelta(minutes=self.rng.randrange(10, 80))
        today_batch = CaseAssignmentBatch.objects.create(
            kind=CaseAssignmentBatch.Kind.SELECTION,
            branch=worked[0].branch,
            created_by=self.supervisor,
            description="Demo: this morning's new cases",
            case_count=len(new_cases),
        )
        rows = []
        for case in worked:
            case.placed_at = _at(start - dt.timedelta(days=1), 22, 15)
            case.assigned_to = self.collector
            case.assigned_at = distributed_at
            case.first_action_at = distributed_at + dt.timedelta(
                minutes=self.rng.randrange(15, 100)
            )
            case.status = Case.Status.IN_PROGRESS
            rows.append(self._assignment(case, batch, distributed_at))
        for case in new_cases:
            case.assigned_to = self.collector
            case.assigned_at = morning
            case.first_action_at = None
            case.status = Case.Status.ASSIGNED
            rows.append(self._assignment(case, today_batch, morning))
        CaseAssignment.objects.bulk_create(rows)

    def _assignment(self, case, batch, at) -> CaseAssignment:
        return CaseAssignment(
            case=case,
            to_collector=self.collector,
            assigned_by=self.supervisor,
            assigned_at=at,
            batch=batch,
            first_after_placement=True,
        )

    # -- calls ---------------------------------------------------------------------------

    def _phones(self, cases: list[Case]) -> dict[int, list[ContactPoint]]:
        phones: dict[int, list[ContactPoint]] = {}
        points = ContactPoint.objects.filter(
            debtor_id__in=[case.debtor_id for case in cases],
            kind=ContactPoint.Kind.PHONE,
            relation=ContactPoint.Relation.DEBTOR,
            is_valid=True,
        )
        for point in points:
            phones.setdefault(point.debtor_id, []).append(point)
        return phones

    def _call(self, case, point, started_at, code: str, **fields) -> CallLog:
        outcome = self.outcomes[code]
        recording = dict(self.rng.choice(self.recordings))
        answered = outcome.answered
        duration = self.rng.randrange(40, 420) if answered else self.rng.randrange(15, 45)
        recording["duration_seconds"] = duration
        if self.rng.random() < 0.15:
            # The telephony system's recording id instead of an uploaded file.
            recording = {
                "duration_seconds": duration,
                "telephony_recording_id": f"PBX-{case.pk}-{started_at:%Y%m%d%H%M}",
            }
        call = CallLog(
            case=case,
            collector=self.collector,
            contact_point=point,
            party=fields.pop("party", "debtor" if answered else "nobody"),
            started_at=started_at,
            outcome=outcome,
            notes=self.rng.choice(NOTES.get(code, [""])),
            status=CallLog.Status.COMPLETED,
            completed_at=started_at + dt.timedelta(seconds=duration + 60),
            **recording,
            **fields,
        )
        self.calls.append(call)
        return call

    def _calls_for(self, case: Case, phones: list[ContactPoint], *, callback: bool) -> None:
        if not phones:
            return
        last = None
        for day in _worked_days(self.today, self.rng):
            # Inside the window with room to spare: 09:00–20:30 China time.
            started = _at(day, self.rng.randrange(9, 20), self.rng.randrange(0, 60, 5))
            code = self.rng.choices(
                [code for code, _ in OUTCOME_WEIGHTS], [weight for _, weight in OUTCOME_WEIGHTS]
            )[0]
            extra = {}
            if code == "callback":
                extra["callback_at"] = started + dt.timedelta(hours=2)
            last = self._call(case, self.rng.choice(phones), started, code, **extra)
            if last.outcome.conversation and last.party == "debtor":
                case.last_contact_at = started
        if callback:
            # Yesterday the debtor asked to be called back today.
            due = _at(self.today, self.rng.choice([10, 11, 14, 15, 17]), 30)
            started = _at(self.today - dt.timedelta(days=1), 18, 10)
            last = self._call(case, phones[0], started, "callback", callback_at=due)
            case.last_contact_at = started
            case.next_callback_at = due
            self.summary["callbacks"] += 1
        case.last_call_at = max(call.started_at for call in self.calls if call.case is case)

    # -- holds and overrides ---------------------------------------------------------------

    def _holds(self, cases: list[Case]) -> None:
        """An active dispute, an active cease-contact request, and one lifted last week."""
        kinds = [
            (CaseHold.Kind.DISPUTE, "Debtor says the card was stolen in 2025; police report."),
            (CaseHold.Kind.CEASE_CONTACT, "Debtor's lawyer asked in writing to stop calls."),
            (CaseHold.Kind.DISPUTE, "Disputes the late fees of March."),
        ]
        for index, (case, (kind, reason)) in enumerate(zip(cases, kinds, strict=False)):
            # Placed right after the case's last call: no call is ever made on hold.
            placed = (case.last_call_at or self.now) + dt.timedelta(minutes=12)
            hold = CaseHold(
                case=case, kind=kind, reason=reason, placed_by=self.collector, placed_at=placed
            )
            if index == 2:
                hold.lifted_by = self.supervisor
                hold.lifted_at = min(
                    placed + dt.timedelta(hours=20), self.now - dt.timedelta(minutes=5)
                )
                hold.lift_reason = "The bank confirmed the fees; the debtor accepted."
            hold.save()
            self.summary["holds"] += 1

    def _overrides(self, cases: list[Case], phones) -> None:
        """A supervisor let a relative be called before the debtor counted as unreachable."""
        yesterday = self.today - dt.timedelta(days=1)
        for index, case in enumerate(cases[:2]):
            relative = ContactPoint.objects.filter(
                debtor_id=case.debtor_id, relation=ContactPoint.Relation.RELATIVE
            ).first() or ContactPoint.objects.create(
                debtor_id=case.debtor_id,
                kind=ContactPoint.Kind.PHONE,
                value=f"+861390{case.pk % 10**7:07d}",
                relation=ContactPoint.Relation.RELATIVE,
                contact_name="sister",
                source=ContactPoint.Source.DEBTOR,
                added_by=self.collector,
            )
            asked = _at(yesterday, 16, 5 + index * 20)
            message = (
                "A relative may be called only once the debtor is unreachable "
                "(6 failed attempts within 3 days); so far: 2."
            )
            ComplianceRefusal.objects.create(
                case=case,
                collector=self.collector,
                channel="call",
                contact_point=relative,
                refused_at=asked,
                rules=["third_party_before_unreachable"],
                message=message,
            )
            override = ComplianceOverride.objects.create(
                case=case,
                collector=self.collector,
                channel="call",
                contact_point=relative,
                rules=["third_party_before_unreachable"],
                message=message,
                reason="Debtor's only number is switched off for a week; sister is the lead.",
                granted_by=self.supervisor,
                granted_at=asked + dt.timedelta(minutes=4),
                valid_until=asked
                + dt.timedelta(minutes=4 + settings.COMPLIANCE_OVERRIDE_VALID_MINUTES),
                used_at=asked + dt.timedelta(minutes=9),
            )
            call = self._call(
                case,
                relative,
                asked + dt.timedelta(minutes=9),
                "contacted",
                party="relative",
                compliance_override=override,
            )
            call.notes = "Sister says he works in Suzhou now; gave his new number."
            call.save()
            case.last_call_at = max(filter(None, [case.last_call_at, call.started_at]))
            self.summary["overrides"] += 1
        # One granted this morning and not used yet.
        if cases[2:]:
            case = cases[2]
            granted = self.now - dt.timedelta(minutes=20)
            ComplianceOverride.objects.create(
                case=case,
                collector=self.collector,
                channel="call",
                contact_point=(phones.get(case.debtor_id) or [None])[0],
                rules=["unanswered_per_number_per_day"],
                message="At most 6 unanswered attempts per number a day; this number has 6.",
                reason="Debtor asked by text to keep trying this morning.",
                granted_by=self.supervisor,
                granted_at=granted,
                valid_until=granted
                + dt.timedelta(minutes=settings.COMPLIANCE_OVERRIDE_VALID_MINUTES),
            )
            self.summary["overrides"] += 1

    # -- the case's own history --------------------------------------------------------------

    def _bank_updates(self, cases: list[Case]) -> None:
        """Two balance updates from the bank (partial repayments) per case: history rows."""
        from .models import Case as CaseModel

        history = CaseModel.history.model
        for case in cases:
            for weeks_back, share in ((2, Decimal("0.92")), (1, Decimal("0.85"))):
                case.principal = (case.principal * share).quantize(Decimal("0.01"))
                case._change_reason = "Bank update: partial repayment at the bank"
                case.save(update_fields=["principal", "updated_at"])
                history.objects.filter(
                    pk=history.objects.filter(id=case.pk).order_by("-history_id").values("pk")[:1]
                ).update(history_date=_at(self.today - dt.timedelta(weeks=weeks_back), 7, 30))

    def _backdate_placement_history(self, cases: list[Case]) -> None:
        """The cases' first history row and contact points date from the (backdated) placement."""
        history = Case.history.model
        ids = [case.pk for case in cases]
        history.objects.filter(id__in=ids, history_type="+").update(
            history_date=Subquery(Case.objects.filter(pk=OuterRef("id")).values("placed_at")[:1])
        )
        ContactPoint.objects.filter(
            debtor_id__in=[case.debtor_id for case in cases], source=ContactPoint.Source.PLACEMENT
        ).update(created_at=cases[0].placed_at)

    def _classify(self, cases: list[Case]) -> None:
        from .services.casepage import case_classify

        reasons = {
            Case.Classification.CASH: "Employed, salary paid monthly; can pay in instalments.",
            Case.Classification.COLLATERAL: "Lost his job but owns a flat; brother may guarantee.",
            Case.Classification.LITIGATION: "Moved house three times, refuses every call.",
        }
        for case, (classification, reason) in zip(cases[::3], reasons.items(), strict=False):
            case_classify(
                case=case, actor=self.collector, classification=classification, reason=reason
            )


def seed(*, stdout=None) -> dict:
    """Gives every demo phone collector without assignments their ~40 cases and history."""
    User = get_user_model()
    collectors = list(
        User.objects.filter(groups__name=roles.PHONE_COLLECTOR, username__contains=".collector")
        .select_related("staff_profile__branch")
        .order_by("username")
    )
    rng = random.Random(20261130)  # noqa: S311 - reproducible demo data
    now = timezone.now()
    totals = {"cases": 0, "calls": 0, "holds": 0, "overrides": 0, "callbacks": 0}
    for collector in collectors:
        if CaseAssignment.objects.filter(to_collector=collector).exists():
            continue
        branch = collector.staff_profile.branch
        supervisor = User.objects.filter(
            groups__name=roles.SUPERVISOR, staff_profile__branch=branch
        ).first()
        if supervisor is None:
            continue
        with transaction.atomic():
            cases = list(
                Case.objects.select_for_update()
                .filter(branch=branch, status=Case.Status.NEW, assigned_to__isnull=True)
                .order_by("account_no")[:CASES_PER_COLLECTOR]
            )
            if len(cases) < NEW_ASSIGNMENTS + CALLBACKS_TODAY + 8:
                continue
            summary = _Seeder(collector, supervisor, rng, now).run(cases)
        for key, value in summary.items():
            totals[key] += value
    if stdout:
        stdout.write(
            "cases: {cases} cases assigned to demo collectors with {calls} calls, {holds} holds, "
            "{overrides} overrides, {callbacks} callbacks due today".format(**totals)
        )
    return totals
