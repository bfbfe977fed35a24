"""bench_workflow, phase 1: 1,000,000 cases, 200 collectors, 5,000,000 calls, generated
inside PostgreSQL with `INSERT … SELECT generate_series(…)` (see the command's docstring)."""

from __future__ import annotations

import random
import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    Agreement,
    Bank,
    CallOutcome,
    ComplianceChannelRules,
    ComplianceRuleSet,
    Placement,
)
from collections_office.personal_data import encrypt
from staff import roles
from staff.models import Branch, Department, StaffProfile

PASSWORD = "bench-password-for-everyone-42"  # noqa: S105 (a throwaway bench database)
PREFIX = "bench"


class WorkflowData:
    """Loads the bench rows; `stdout` is the command's output."""

    def __init__(self, stdout):
        self.stdout = stdout

    def load(self, options) -> None:
        cases, collectors, calls = options["cases"], options["collectors"], options["calls"]
        started = time.monotonic()
        self.stdout.write(f"loading {cases:,} cases, {collectors:,} collectors, {calls:,} calls")
        with transaction.atomic():
            setup = self._people_and_bank(collectors)
        self._open_window_all_day()
        timings = {}
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            timings["debtors + phones"] = self._timed(self._debtors, cursor, cases)
            timings["cases"] = self._timed(
                self._cases, cursor, cases, setup, options["unassigned_share"]
            )
            timings["call logs"] = self._timed(self._calls, cursor, calls, setup)
            timings["analyze"] = self._timed(cursor.execute, "ANALYZE")
        for step, seconds in timings.items():
            self.stdout.write(f"  {step:<18} {seconds:8.1f} s")
        self.stdout.write(f"loaded in {time.monotonic() - started:.0f} s")

    @staticmethod
    def _timed(function, *args) -> float:
        started = time.monotonic()
        function(*args)
        return time.monotonic() - started

    def _people_and_bank(self, collectors: int) -> dict:
        branch, _ = Branch.objects.get_or_create(code="BENCH", defaults={"name": "Bench branch"})
        if not Branch.objects.filter(is_hq=True).exists():
            Branch.objects.create(code="HQ", name="Headquarters", is_hq=True)
        department, _ = Department.objects.get_or_create(branch=branch, name="Collections")
        bank, _ = Bank.objects.get_or_create(
            code=f"{PREFIX}bank",
            defaults={
                "name": "Bench Bank",
                "routine_contact_name": "Ops",
                "routine_contact_email": "ops@bench.example.com",
                "routine_contact_phone": "+862100000000",
                "file_transfer_channel": "API",
                "emergency_contact_name": "Duty",
                "emergency_contact_phone": "+8613800000000",
            },
        )
        agreement, _ = Agreement.objects.get_or_create(
            bank=bank,
            number="BENCH-1",
            defaults={
                "signed_on": timezone.localdate(),
                "effective_from": timezone.localdate(),
                "flat_rate": "0.1000",
                "branch": branch,
            },
        )
        placement = Placement.objects.filter(bank=bank).first() or Placement.objects.create(
            bank=bank,
            agreement=agreement,
            status=Placement.Status.COMPLETED,
            original_file="placements/bench.csv",
            original_name="bench.csv",
            size_bytes=1,
            sha256="0" * 64,
        )
        password = make_password(PASSWORD)
        collector_group = Group.objects.get(name=roles.PHONE_COLLECTOR)
        supervisor_group = Group.objects.get(name=roles.SUPERVISOR)
        people = []
        for index in range(collectors):
            people.append((f"{PREFIX}-collector-{index:03d}", collector_group))
        people += [(f"{PREFIX}-supervisor-{index}", supervisor_group) for index in range(2)]
        existing = set(
            User.objects.filter(username__startswith=f"{PREFIX}-").values_list(
                "username", flat=True
            )
        )
        for username, group in people:
            if username in existing:
                continue
            user = User.objects.create(username=username, password=password)
            user.groups.add(group)
            StaffProfile.objects.create(
                user=user,
                employee_number=username[-12:],
                branch=branch,
                department=department,
                hire_date=timezone.localdate(),
            )
        collector_ids = list(
            User.objects.filter(username__startswith=f"{PREFIX}-collector-")
            .order_by("username")
            .values_list("pk", flat=True)[:collectors]
        )
        return {
            "branch": branch.pk,
            "bank": bank.pk,
            "agreement": agreement.pk,
            "placement": placement.pk,
            "collectors": collector_ids,
        }

    def _open_window_all_day(self) -> None:
        """The bench runs at any hour: the company's rules allow calls all day in this database."""
        rule_set = ComplianceRuleSet.objects.filter(is_company_default=True).first()
        if rule_set is None:
            raise CommandError("no company compliance rule set: run migrate first")
        import datetime as dt

        ComplianceChannelRules.objects.filter(rule_set=rule_set).update(
            window_start=dt.time(0, 0), window_end=dt.time(23, 59, 59)
        )

    def _debtors(self, cursor, count: int) -> None:
        id_token = encrypt("110101199003078515")
        phone_token = encrypt("+8613812345678")
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_debtor")
        (start,) = cursor.fetchone()
        run = random.randrange(1_000_000_000)
        cursor.execute(
            """
            INSERT INTO cases_debtor (name, id_number, id_number_hash, id_kind, created_at,
                                      time_zone)
            SELECT 'Debtor ' || g, %(id)s, md5(%(run)s || '-id-' || g), 'resident', now(), ''
            FROM generate_series(1, %(count)s) g
            """,
            {"id": id_token, "run": str(run), "count": count},
        )
        cursor.execute(
            """
            INSERT INTO cases_contactpoint (debtor_id, kind, value, value_hash, is_valid,
                source, created_at, relation, contact_name, invalid_reason)
            SELECT d.id, 'phone', %(phone)s, md5(%(run)s || '-phone-' || d.id), true,
                   'placement', now(), 'debtor', '', ''
            FROM cases_debtor d WHERE d.id > %(start)s ORDER BY d.id
            """,
            {"phone": phone_token, "run": str(run), "start": start},
        )
        self._debtor_start = start

    def _cases(self, cursor, count: int, setup: dict, unassigned_share: float) -> None:
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        (self._case_start,) = cursor.fetchone()
        now = timezone.now()
        cursor.execute(
            """
            INSERT INTO cases_case (bank_id, agreement_id, branch_id, debtor_id, last_placement_id,
                account_no, status, principal, interest, fees, currency, overdue_since, product,
                card_no_masked, placed_at, updated_at, recalled_at, last_contact_at,
                assigned_to_id, assigned_at, first_action_at, last_call_at, next_callback_at,
                classification)
            SELECT %(bank)s, %(agreement)s, %(branch)s, d.id, %(placement)s,
                'BENCH' || lpad(d.rn::text, 9, '0'),
                CASE WHEN d.rn %% 1000 < %(unassigned)s THEN 'new'
                     WHEN d.rn %% 10 = 0 THEN 'assigned' ELSE 'in_progress' END,
                round((500 + random() * 80000)::numeric, 2),
                round((random() * 5000)::numeric, 2),
                round((random() * 800)::numeric, 2),
                'CNY', current_date - (d.rn %% 400)::int, '信用卡', '',
                %(now)s - interval '40 days', %(now)s, NULL,
                CASE WHEN d.rn %% 10 = 0 OR d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - (d.rn %% 27)::int * interval '1 day' END,
                CASE WHEN d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE (%(collectors)s::bigint[])[1 + d.rn %% %(ncollectors)s] END,
                CASE WHEN d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - interval '30 days' END,
                CASE WHEN d.rn %% 10 = 0 OR d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - interval '29 days' END,
                CASE WHEN d.rn %% 10 = 0 OR d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - (d.rn %% 27)::int * interval '1 day' END,
                CASE WHEN d.rn %% 37 = 0 THEN %(now)s - interval '1 hour' END,
                ''
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
                  FROM cases_debtor WHERE id > %(start)s) d
            """,
            {
                **setup,
                "now": now,
                "start": self._debtor_start,
                "unassigned": round(unassigned_share * 1000),
                "ncollectors": len(setup["collectors"]),
            },
        )

    def _calls(self, cursor, count: int, setup: dict) -> None:
        outcomes = dict(CallOutcome.objects.values_list("code", "pk"))
        cursor.execute(
            "SELECT min(id), max(id) FROM cases_case WHERE id > %s AND assigned_to_id IS NOT NULL",
            [self._case_start],
        )
        low, high = cursor.fetchone()
        span = high - low + 1
        now = timezone.now()
        chunk = 1_000_000
        for first in range(1, count + 1, chunk):
            last = min(count, first + chunk - 1)
            cursor.execute(
                """
                INSERT INTO cases_calllog (case_id, collector_id, contact_point_id, party,
                    started_at, duration_seconds, outcome_id, notes, callback_at, recording,
                    recording_sha256, recording_size, recording_content_type,
                    telephony_recording_id, status, completed_at, created_at,
                    compliance_override_id)
                SELECT c.id, c.assigned_to_id, p.id,
                    CASE WHEN g %% 3 = 0 THEN 'debtor' ELSE 'nobody' END,
                    %(now)s - ((g %% 2419200) * interval '1 second'),
                    CASE WHEN g %% 3 = 0 THEN 30 + g %% 300 ELSE 0 END,
                    CASE WHEN g %% 3 = 0 THEN %(contacted)s ELSE %(no_answer)s END,
                    '', NULL, '', '', NULL, '', 'PBX-' || g, 'completed',
                    %(now)s - ((g %% 2419200) * interval '1 second'),
                    %(now)s - ((g %% 2419200) * interval '1 second'), NULL
                FROM generate_series(%(first)s, %(last)s) g
                JOIN cases_case c ON c.id = %(low)s + (g::bigint * 7919) %% %(span)s
                JOIN cases_contactpoint p ON p.debtor_id = c.debtor_id AND p.kind = 'phone'
                WHERE c.assigned_to_id IS NOT NULL
                """,
                {
                    "now": now,
                    "first": first,
                    "last": last,
                    "low": low,
                    "span": span,
                    "contacted": outcomes["contacted"],
                    "no_answer": outcomes["no_answer"],
                },
            )
            self.stdout.write(f"  call logs {last:,}")

    # --- Drive ------------------------------------------------------------------------
