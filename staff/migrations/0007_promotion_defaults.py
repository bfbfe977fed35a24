"""Default promotion criteria and complex-case definition where the rules leave [X].

The numbers are ours (docs/decisions.md, issue 11); HR edits them on the criteria page.
"""

from decimal import Decimal

from django.db import migrations

CAPABILITY = {
    "junior_collector": (
        "Knows the collection process and the relevant laws; uses collection techniques "
        "well; communicates and negotiates effectively with debtors; uses the collection "
        "system and office software; basic data analysis."
    ),
    "mid_collector": (
        "Handles complex cases independently; assesses debtors' ability to pay and risk; "
        "sound legal knowledge and use of legal means; coaches and trains the team."
    ),
    "senior_collector": (
        "Plans and runs the team's work and targets; allocates work and motivates the "
        "team; coordinates with other departments and partners; adapts strategy to the market."
    ),
    "collection_supervisor": (
        "Plans and manages the company's collection business; builds and develops teams; "
        "develops new business and client relations; strategy and risk management."
    ),
}
ATTITUDE = {
    "junior_collector": (
        "Conscientious, proactive, responsible; follows company rules with no violations; "
        "works well with colleagues."
    ),
    "mid_collector": (
        "Rigorous and careful; resilient under pressure; innovative; leads the team to "
        "complete its tasks."
    ),
    "senior_collector": (
        "Proactive with a view of the whole; sound decisions carried through; dedicated."
    ),
    "collection_supervisor": (
        "Calm and decisive under pressure; drives innovation; professional ethics and "
        "social responsibility."
    ),
}
# from position: amount CNY, success %, monthly completion %, complex cases, campaigns, months
DEFAULTS = {
    "junior_collector": ("300000", "20", "80", 0, 0, 12),
    "mid_collector": ("600000", "25", "90", 10, 0, 18),
    "senior_collector": ("1000000", "30", "100", 0, 2, 24),
    "collection_supervisor": ("2000000", "30", "100", 0, 3, 24),
}


def add_defaults(apps, schema_editor):
    criteria = apps.get_model("staff", "PromotionCriteria")
    for position, (amount, rate, monthly, complex_cases, campaigns, months) in DEFAULTS.items():
        criteria.objects.get_or_create(
            from_position=position,
            defaults={
                "min_amount": Decimal(amount),
                "min_success_rate": Decimal(rate),
                "min_monthly_completion": Decimal(monthly),
                "min_complex_cases": complex_cases,
                "min_campaigns_led": campaigns,
                "min_months_at_level": months,
                "capability_requirements": CAPABILITY[position],
                "attitude_requirements": ATTITUDE[position],
            },
        )
    definition = apps.get_model("staff", "ComplexCaseDefinition")
    if not definition.objects.exists():
        definition.objects.create(
            min_balance=Decimal("50000"),
            min_days_overdue=180,
            classifications=["collateral", "litigation"],
        )


class Migration(migrations.Migration):
    dependencies = [("staff", "0006_promotion")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
