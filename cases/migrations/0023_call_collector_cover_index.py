# A collector's calls by time, covering the case: the performance figures' "cases worked"
# (COUNT(DISTINCT case_id) per collector over a period) becomes an index-only scan. It
# replaces call_collector_started_idx (same key; every query that used it can use this
# one), so a logged call still writes one index entry for the collector, not two.
# Built CONCURRENTLY on PostgreSQL (the call log stays writable; IF NOT EXISTS: the
# benchmark database got it by hand first); plain on the embedded SQLite default, which
# has no INCLUDE and few calls.

from django.db import migrations, models


def _statements(schema_editor, *templates):
    postgres = schema_editor.connection.vendor == "postgresql"
    for template in templates:
        schema_editor.execute(
            template.format(
                concurrently="CONCURRENTLY" if postgres else "",
                include=" INCLUDE (case_id)" if postgres else "",
            ),
            params=None,
        )


def forwards(apps, schema_editor):
    _statements(
        schema_editor,
        "CREATE INDEX {concurrently} IF NOT EXISTS call_collector_cover_idx "
        "ON cases_calllog (collector_id, started_at DESC){include}",
        "DROP INDEX {concurrently} IF EXISTS call_collector_started_idx",
    )


def backwards(apps, schema_editor):
    _statements(
        schema_editor,
        "CREATE INDEX {concurrently} IF NOT EXISTS call_collector_started_idx "
        "ON cases_calllog (collector_id, started_at DESC)",
        "DROP INDEX {concurrently} IF EXISTS call_collector_cover_idx",
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0022_retention"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.RemoveIndex(model_name="calllog", name="call_collector_started_idx"),
                migrations.AddIndex(
                    model_name="calllog",
                    index=models.Index(
                        fields=["collector", "-started_at"],
                        include=("case",),
                        name="call_collector_cover_idx",
                    ),
                ),
            ],
        ),
    ]
