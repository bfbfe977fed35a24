"""The finance and compliance reports (issue 13): their rollup columns and their monthly
schedules (the 1st at 06:00 and 06:10, company time; admin staff edit them)."""

from django.db import migrations, models

SCHEDULES = [
    {
        "key": "collector-finance-monthly",
        "kind": "collector_finance",
        "description": "The 1st at 06:00: the previous month",
        "minute": "0",
        "hour": "6",
        "day_of_week": "*",
        "day_of_month": "1",
    },
    {
        "key": "compliance-monthly",
        "kind": "compliance_monthly",
        "description": "The 1st at 06:10: the previous month",
        "minute": "10",
        "hour": "6",
        "day_of_week": "*",
        "day_of_month": "1",
    },
]


def add_defaults(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    for values in SCHEDULES:
        schedule.objects.get_or_create(key=values["key"], defaults=values)


def remove_defaults(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    schedule.objects.filter(key__in=[values["key"] for values in SCHEDULES]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0006_rollup_sla_breaches'),
    ]

    operations = [
        migrations.AddField(
            model_name='dailycollectorfigures',
            name='commission',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='commission earned'),
        ),
        migrations.AddField(
            model_name='dailycollectorfigures',
            name='quality_low',
            field=models.PositiveIntegerField(default=0, verbose_name='quality reviews below threshold'),
        ),
        migrations.AddField(
            model_name='dailycollectorfigures',
            name='quality_reviews',
            field=models.PositiveIntegerField(default=0, verbose_name='quality reviews'),
        ),
        migrations.AddField(
            model_name='dailycollectorfigures',
            name='refusals',
            field=models.PositiveIntegerField(default=0, verbose_name='compliance refusals'),
        ),
        migrations.AddField(
            model_name='dailycollectorfigures',
            name='violations',
            field=models.PositiveIntegerField(default=0, verbose_name='confirmed violations'),
        ),
        migrations.RunPython(add_defaults, remove_defaults),
    ]
