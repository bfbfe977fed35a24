"""Case.agreement and Case.last_placement without their single-column indexes.

Only the indexes are dropped: Django's AlterField would also drop and re-add both
foreign-key constraints, which re-checks every case under a table lock.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_history_user_without_constraint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="agreement",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="cases.agreement",
                        verbose_name="agreement",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="last_placement",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="cases.placement",
                        verbose_name="last placement",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "cases_case_agreement_id_1dd86951"',
                    'CREATE INDEX "cases_case_agreement_id_1dd86951" '
                    'ON "cases_case" ("agreement_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "cases_case_last_placement_id_e59e812d"',
                    'CREATE INDEX "cases_case_last_placement_id_e59e812d" '
                    'ON "cases_case" ("last_placement_id")',
                ),
            ],
        ),
    ]
