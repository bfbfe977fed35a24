"""The shipped thresholds of the early-warning signals and the recruitment policy row.

Values are written here (not read from the code) so that a later change of a default
does not rewrite what HR has tuned; rows that exist are left alone."""

from decimal import Decimal

from django.db import migrations

THRESHOLDS = [
    # signal, threshold, window (days)
    ("attendance_falling", Decimal("4"), 30),
    ("leave_pattern", Decimal("3"), 90),
    ("performance_falling", Decimal("30"), 30),
    ("low_assessment", Decimal("60"), 365),
    ("tenure_short", Decimal("90"), 0),
    ("no_training", Decimal("365"), 0),
]


def seed(apps, schema_editor):
    WarningThreshold = apps.get_model("staff", "WarningThreshold")
    RecruitmentPolicy = apps.get_model("staff", "RecruitmentPolicy")
    for signal, threshold, window in THRESHOLDS:
        WarningThreshold.objects.get_or_create(
            signal=signal, defaults={"threshold": threshold, "window_days": window}
        )
    RecruitmentPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("staff", "0011_training_recruitment_succession")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
