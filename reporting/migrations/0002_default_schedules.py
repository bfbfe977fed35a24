"""The schedules DESIGN §8 asks for, in the company's time zone (admin staff edit them)."""

from django.db import migrations

DEFAULTS = [
    {
        "key": "collector-weekly",
        "kind": "collector_weekly",
        "description": "Monday 06:00: the previous Monday–Sunday",
        "minute": "0",
        "hour": "6",
        "day_of_week": "1",
        "day_of_month": "*",
    },
    {
        "key": "collector-monthly",
        "kind": "collector_monthly",
        "description": "The 1st at 06:00: the previous month",
        "minute": "0",
        "hour": "6",
        "day_of_week": "*",
        "day_of_month": "1",
    },
]


def add_defaults(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    for values in DEFAULTS:
        schedule.objects.get_or_create(key=values["key"], defaults=values)


def remove_defaults(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    schedule.objects.filter(key__in=[values["key"] for values in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_report_runs_and_schedules")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
