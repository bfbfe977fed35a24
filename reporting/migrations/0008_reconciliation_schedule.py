"""The daily reconciliation schedule: each agreement on its reconciliation day (05:30)."""

from django.db import migrations

DEFAULT = {
    "key": "reconciliation-daily",
    "kind": "reconciliation",
    "description": "Daily 05:30: the agreements whose reconciliation day it is, previous month",
    "minute": "30",
    "hour": "5",
    "day_of_week": "*",
    "day_of_month": "*",
}


def add_default(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    schedule.objects.get_or_create(key=DEFAULT["key"], defaults=DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0007_rollup_commission_compliance")]
    operations = [migrations.RunPython(add_default, migrations.RunPython.noop)]
