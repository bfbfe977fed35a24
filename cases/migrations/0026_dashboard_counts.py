# The dashboard's case panels without a count over the case table (issue 13, reportperf):
# the case counts by status the rollup refresh keeps, and the open cases of a branch by
# placement time (the cases past their collection period), built CONCURRENTLY so the case
# table stays writable.

from importlib import import_module

import django.db.models.deletion
from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations, models

# CONCURRENTLY on PostgreSQL, plain on the embedded SQLite default (as 0019).
AddIndexConcurrentlyOnPostgres = import_module(
    "cases.migrations.0019_call_started_at_index"
).AddIndexConcurrentlyOnPostgres


class RemoveIndexConcurrentlyOnPostgres(RemoveIndexConcurrently):
    """DROP INDEX CONCURRENTLY on PostgreSQL; plain on SQLite."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


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
        # The first-action breaches and the claims to confirm are read in (time, id)
        # order: with the id in the index a LIMIT stops after the rows it shows, even when
        # a distribution or an import gave thousands of rows one timestamp. The new index
        # is built before the old one goes.
        AddIndexConcurrentlyOnPostgres(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("assigned_to__isnull", False),
                    ("first_action_at__isnull", True),
                    ("status__in", ("new", "assigned", "in_progress")),
                ),
                fields=["branch", "assigned_at", "id"],
                name="case_awaiting_action_idx",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(
            model_name="case", name="case_awaiting_first_action_idx"
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="payment",
            index=models.Index(
                condition=models.Q(("status", "claimed")),
                fields=["claimed_at", "id"],
                name="payment_claimed_id_idx",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="payment", name="payment_claimed_idx"),
    ]
