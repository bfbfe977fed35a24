# The dashboard's case panels without a count over the case table (issue 13, reportperf):
# the case counts by status the rollup refresh keeps, and the open cases of a branch by
# placement time (the cases past their collection period), built CONCURRENTLY so the case
# table stays writable.

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

# CONCURRENTLY on PostgreSQL, plain on the embedded SQLite default (as 0019).
AddIndexConcurrentlyOnPostgres = import_module(
    "cases.migrations.0019_call_started_at_index"
).AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0023_call_collector_cover_index"),
        ("staff", "0014_cycle_close_and_round_queued"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseStatusCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=12, verbose_name="status")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="cases")),
                ("computed_at", models.DateTimeField(verbose_name="computed at")),
                (
                    "branch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="staff.branch",
                        verbose_name="branch",
                    ),
                ),
            ],
            options={
                "verbose_name": "case count by status",
                "verbose_name_plural": "case counts by status",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("branch", "status"), name="one_case_status_count_per_branch"
                    )
                ],
            },
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", ("new", "assigned", "in_progress"))),
                fields=["branch", "placed_at", "id"],
                name="case_open_placed_idx",
            ),
        ),
    ]
