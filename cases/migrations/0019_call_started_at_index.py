# Today's calls by their start time (the supervisor's "calls and contacts today per
# collector"): built CONCURRENTLY, the call log (millions of rows) stays writable.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CONCURRENTLY on PostgreSQL; a plain CREATE INDEX on the embedded SQLite default
    (`make run`), which has neither the option nor millions of calls."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0018_call_started"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="calllog",
            index=models.Index(
                fields=["started_at"],
                include=("collector", "party", "outcome"),
                name="call_started_idx",
            ),
        ),
    ]
