# Today's calls by their start time (the supervisor's "calls and contacts today per
# collector"): built CONCURRENTLY, the call log (millions of rows) stays writable.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0018_call_started"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="calllog",
            index=models.Index(
                fields=["started_at"],
                include=("collector", "party", "outcome"),
                name="call_started_idx",
            ),
        ),
    ]
