"""The daily retention review (DESIGN §8), at 02:30 company time (admin staff edit it)."""

from django.db import migrations

DEFAULTS = [
    {
        "key": "retention-daily",
        "kind": "retention_review",
        "description": "Daily 02:30: agreements past their retention end, listed for approval",
        "minute": "30",
        "hour": "2",
        "day_of_week": "*",
        "day_of_month": "*",
    },
]


def add_defaults(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    for values in DEFAULTS:
        schedule.objects.get_or_create(key=values["key"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_team_and_branch_schedules")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
