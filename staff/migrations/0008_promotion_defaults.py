"""Default promotion criteria and complex-case definition where the rules leave [X].

The numbers are ours (docs/decisions.md, issue 11); HR edits them on the criteria page.
"""

from decimal import Decimal

from django.db import migrations

# The requirements as the rules state them (Simplified Chinese, the company's language).
CAPABILITY = {
    "junior_collector": (
        "熟悉催收业务流程和相关法律法规，能够熟练运用催收技巧和方法；具备良好的沟通能力和谈判技巧，"
        "能够与债务人进行有效的沟通和协商；能够熟练使用催收系统和办公软件，具备一定的数据分析和处理能力。"
    ),
    "mid_collector": (
        "具备丰富的催收经验，能够独立处理各种复杂的催收案件；具备较强的风险评估和控制能力；"
        "具备良好的法律素养，能够熟练运用法律手段进行催收工作；能够对催收团队进行有效的指导和培训。"
    ),
    "senior_collector": (
        "具备全面的催收业务知识和管理能力，能够制定和实施团队的工作计划和目标；具备良好的团队管理能力；"
        "具备较强的沟通协调能力；具备敏锐的市场洞察力和分析能力，能够及时调整催收策略和方法。"
    ),
    "collection_supervisor": (
        "具备深厚的催收行业经验和管理经验，能够对公司的催收业务进行全面的规划和管理；具备卓越的团队领导"
        "和人才培养能力；具备较强的市场拓展和客户关系管理能力；具备良好的战略规划和风险管理能力。"
    ),
}
ATTITUDE = {
    "junior_collector": (
        "工作认真负责，积极主动，具备较强的责任心和执行力；遵守公司的各项规章制度，无违规违纪行为；"
        "具备团队合作精神。"
    ),
    "mid_collector": (
        "工作态度严谨，注重细节，具备较强的抗压能力和应变能力；具备创新精神；具备良好的领导能力。"
    ),
    "senior_collector": (
        "工作态度积极主动，具备较强的全局观念和团队意识；具备良好的决策能力和执行力；具备高度的责任心和敬业精神。"
    ),
    "collection_supervisor": (
        "工作态度沉稳，在高压环境下保持冷静和理智；具备创新思维和变革精神；具备良好的职业道德和社会责任感。"
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
    dependencies = [("staff", "0007_promotion")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
