"""Benchmark of the collectors' annual assessment (issue 11: 2,000 collectors in < 30 s).

Runs against the workflow benchmark database (`bench_workflow`: 1,000,000 cases, 200
collectors, 5,000,000 calls). Two steps, run separately:

    manage.py bench_assessment --add-collectors 1800   # once: people only, see below
    manage.py bench_assessment --year 2026             # the measurement (repeatable)

`--add-collectors` adds collector users and profiles (`bench-assess-NNNN`, branch BENCH,
junior collectors, no cases or calls of their own) until the bench holds that many extra,
puts the 200 bench collectors on the ladder (junior collector; the load leaves them
"other") and makes an HQ HR login that runs the assessment. It never touches cases or
calls. The measurement computes the year's round the way the Celery task does
(`round_compute`, in this process), then fills every reviewer score in one UPDATE (the
scoring forms are not what is measured) and finalises (totals, ranks, outcomes). Beside
it, the floor: one raw aggregate over the same call rows (cases worked per collector in
the year), the least any computation of these figures must read.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cases.performance import performance_figures
from staff import roles
from staff.assessment.services import round_compute, round_create, round_finalise, template_create
from staff.models import (
    Assessment,
    AssessmentKind,
    AssessmentResult,
    AssessmentRound,
    AssessmentTemplate,
    Branch,
    Position,
    StaffProfile,
)

PREFIX = "bench-assess-"
HR_LOGIN = "bench-assess-hr"


class Command(BaseCommand):
    help = "Times the annual assessment of every collector on the benchmark data."

    def add_arguments(self, parser):
        parser.add_argument("--add-collectors", type=int, default=None)
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, **options):
        if options["add_collectors"] is not None:
            self._add_collectors(options["add_collectors"])
            return
        year = options["year"] or dt.date.today().year
        hr = User.objects.filter(username=HR_LOGIN).first()
        if hr is None:
            raise CommandError("run --add-collectors first (it also makes the HR login)")
        self._measure(year, hr)

    def _add_collectors(self, wanted: int) -> None:
        branch = Branch.objects.filter(code="BENCH").first()
        if branch is None:
            raise CommandError("no BENCH branch: load the workflow bench first (bench_workflow)")
        hq = Branch.objects.filter(is_hq=True).get()
        with transaction.atomic():
            moved = StaffProfile.objects.filter(
                user__username__startswith="bench-collector-", position=Position.OTHER
            ).update(position=Position.JUNIOR_COLLECTOR)
            have = User.objects.filter(username__startswith=PREFIX + "0").count()
            password = make_password("bench-password-for-everyone-42")
            users = User.objects.bulk_create(
                [
                    User(username=f"{PREFIX}{n:04d}", password=password, first_name=f"A{n:04d}")
                    for n in range(have, wanted)
                ]
            )
            StaffProfile.objects.bulk_create(
                [
                    StaffProfile(
                        user=user,
                        employee_number=f"BA{n:05d}",
                        branch=branch,
                        position=Position.JUNIOR_COLLECTOR,
                        hire_date=dt.date(2024, 1, 1),
                    )
                    for n, user in enumerate(users, start=have)
                ]
            )
            collector = Group.objects.get(name=roles.PHONE_COLLECTOR)
            collector.user_set.add(*users)
            hr, created = User.objects.get_or_create(
                username=HR_LOGIN, defaults={"password": password}
            )
            if created:
                StaffProfile.objects.create(
                    user=hr,
                    employee_number="BA-HR",
                    branch=hq,
                    position=Position.OTHER,
                    hire_date=dt.date(2024, 1, 1),
                )
                hr.groups.add(Group.objects.get(name=roles.HR))
        self.stdout.write(
            f"bench collectors put on the ladder: {moved}; collectors added: {len(users)}"
        )

    def _measure(self, year: int, hr) -> None:
        template = AssessmentTemplate.objects.filter(
            kind=AssessmentKind.ANNUAL_COLLECTOR, year=year
        ).first() or template_create(kind=AssessmentKind.ANNUAL_COLLECTOR, year=year, actor=hr)
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        old = AssessmentRound.objects.filter(template=template, period_start=start)
        AssessmentResult.objects.filter(assessment__round__in=old).delete()
        Assessment.history.filter(round_id__in=old.values("pk")).delete()
        Assessment.objects.filter(round__in=old).delete()
        old.delete()
        round_ = round_create(
            template=template, period_start=start, period_end=end, label=str(year), actor=hr
        )
        AssessmentRound.objects.filter(pk=round_.pk).update(
            run_status=AssessmentRound.RunStatus.QUEUED
        )

        self.stdout.write(
            "load average at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        )
        started = time.monotonic()
        round_ = round_compute(round_id=round_.pk)
        compute_seconds = time.monotonic() - started
        people = round_.subjects_total
        self.stdout.write(
            f"compute: {people:,} collectors, {compute_seconds:.2f} s ({round_.run_status})"
        )
        with connection.cursor() as cursor:
            # Every reviewer score at once (4 of 5): the scoring forms are not measured.
            cursor.execute(
                "INSERT INTO staff_assessmentresult (assessment_id, item_id, score, normalised, "
                "comment) SELECT a.id, i.id, 4, 80, '' FROM staff_assessment a "
                "JOIN staff_assessmentitem i ON i.indicator = '' "
                "JOIN staff_assessmentsection s ON s.id = i.section_id AND s.template_id = %s "
                "WHERE a.round_id = %s",
                [template.pk, round_.pk],
            )
        started = time.monotonic()
        round_finalise(round=round_, actor=hr)
        finalise_seconds = time.monotonic() - started
        self.stdout.write(f"finalise (totals, ranks, outcomes): {finalise_seconds:.2f} s")
        self.stdout.write(f"total: {compute_seconds + finalise_seconds:.2f} s (target < 30 s)")

        subject_ids = list(
            Assessment.objects.filter(round=round_).values_list("subject_id", flat=True)
        )
        with connection.cursor() as cursor:
            started = time.monotonic()
            cursor.execute(
                "SELECT collector_id, count(DISTINCT case_id) FROM cases_calllog "
                "WHERE collector_id = ANY(%s) AND started_at >= %s AND started_at < %s "
                "GROUP BY collector_id",
                [subject_ids, start, end + dt.timedelta(days=1)],
            )
            rows = cursor.fetchall()
            floor_seconds = time.monotonic() - started
        self.stdout.write(
            f"floor (one aggregate: cases worked per collector over the year's calls): "
            f"{floor_seconds:.2f} s, {len(rows)} collectors with calls"
        )
        # The same aggregate as it ran before the covering index (cases/0023): the
        # planner barred from index scans reads the heap (a bitmap heap scan + a sort).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            started = time.monotonic()
            cursor.execute(
                "SELECT collector_id, count(DISTINCT case_id) FROM cases_calllog "
                "WHERE collector_id = ANY(%s) AND started_at >= %s AND started_at < %s "
                "GROUP BY collector_id",
                [subject_ids, start, end + dt.timedelta(days=1)],
            )
            cursor.fetchall()
            self.stdout.write(
                f"the same aggregate without index scans (the plan before cases/0023): "
                f"{time.monotonic() - started:.2f} s"
            )
        started = time.monotonic()
        performance_figures(user_ids=subject_ids, start=start, end=end)
        self.stdout.write(
            f"the figures function alone for the same people: {time.monotonic() - started:.2f} s"
        )
        self.stdout.write("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
