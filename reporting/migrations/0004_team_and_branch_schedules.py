"""Team weekly (Monday 06:15) and branch monthly (the 1st at 06:30) reports, company time."""

from django.db import migrations

DEFAULTS = [
    {
        "key": "team-weekly",
        "kind": "team_weekly",
        "description": "Monday 06:15: the previous Monday–Sunday",
        "minute": "15",
        "hour": "6",
        "day_of_week": "1",
        "day_of_month": "*",
    },
    {
        "key": "branch-monthly",
        "kind": "branch_monthly",
        "description": "The 1st at 06:30: the previous month",
        "minute": "30",
        "hour": "6",
        "day_of_week": "*",
        "day_of_month": "1",
    },
]


def add_defaults(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    for values in DEFAULTS:
        schedule.objects.get_or_create(key=values["key"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_daily_rollups")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
