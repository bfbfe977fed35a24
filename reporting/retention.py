"""The daily retention review as a report kind, so that beat runs it from the schedule
rows admin staff edit (DESIGN §8: "retention: daily") and every run is recorded, retried
and swept like the other reports. The review itself is the cases app's service: it lists
each agreement past its retention end and asks headquarters' admin staff for approval;
the result lists agreements and counts only, never a person.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .kinds import Column, ReportData, report_kind

RETENTION_COLUMNS = [
    Column("agreement", _("Agreement"), numeric=False),
    Column("retention_ended_on", _("Retention ended on"), numeric=False),
    Column("rows", _("Rows to delete")),
    Column("files", _("Files to delete")),
    Column("status", _("Status"), numeric=False),
]


@report_kind(
    "retention_review",
    label=_("Retention review (data past its retention end)"),
    period="day",
    columns=RETENTION_COLUMNS,
)
def retention_review(run) -> ReportData:
    import datetime as dt

    from cases.models import RetentionPurge
    from cases.services.retention import retention_review as review
    from cases.services.retention import review_rows

    # The day after the run's period: a re-run of the same day asks the same question.
    review(today=run.period_end + dt.timedelta(days=1))
    open_purges = list(
        RetentionPurge.objects.filter(status__in=["waiting", "approved"])
        .select_related("agreement__bank")
        .order_by("retention_ended_on", "pk")
    )
    rows = review_rows(open_purges)
    return ReportData(
        columns=RETENTION_COLUMNS,
        rows=rows,
        summary={"agreements": len(rows), "rows": sum(row["rows"] for row in rows)},
    )
