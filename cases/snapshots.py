"""Case counts kept by a job (cases.models.CaseStatusCount): written by the five-minute
rollup refresh (reporting.rollups.refresh calls `refresh_case_status_counts`; reporting
reads cases, never the reverse), read by the case-status panel of the dashboard.

Counting a branch's cases by status is a scan of the branch's cases (0.35–0.48 s at
1,000,000 cases on a loaded box, issue 13's benchmark); the panel reads at most six rows
per branch instead, at most one refresh old, and says as of when.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from .models import Case, CaseStatusCount


def refresh_case_status_counts() -> int:
    """Recounts every branch's cases by status (one grouped query) and replaces the rows
    whole, in one transaction: safe to run twice and at any time. Returns the rows."""
    now = timezone.now()
    rows = [
        CaseStatusCount(branch_id=branch_id, status=status, count=count, computed_at=now)
        for branch_id, status, count in Case.objects.order_by()
        .values_list("branch_id", "status")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "status", "n")
    ]
    with transaction.atomic():
        CaseStatusCount.objects.all().delete()
        CaseStatusCount.objects.bulk_create(rows)
    return len(rows)


def case_status_counts(*, branch=None, all_branches: bool = False) -> tuple[dict, object]:
    """({status: count}, as of) for a branch, or summed over every branch: one query.
    Before the first refresh ever (an empty table) the counts are computed once, here."""

    def read():
        rows = CaseStatusCount.objects.all()
        if not all_branches:
            rows = rows.filter(branch=branch)
        summed = rows.order_by().values("status").annotate(n=Sum("count"), at=Max("computed_at"))
        return {row["status"]: (row["n"], row["at"]) for row in summed}

    found = read()
    if not found and not CaseStatusCount.objects.exists():
        refresh_case_status_counts()
        found = read()
    as_of = max((at for _n, at in found.values()), default=None)
    return {status: n for status, (n, _at) in found.items()}, as_of
