"""The default call quality checklist (issue 10). Values written out so the migration
stays what it was when it ran; the weights add up to 100."""

from django.db import migrations

ITEMS = [
    # code, label, label_zh, weight
    ("identified_self_and_agency", "Identified self and agency", "表明自己身份及所属机构", 15),
    ("verified_party", "Verified the party", "核实对方身份", 20),
    ("no_threats_or_abuse", "No threats or abuse", "无威胁、辱骂", 25),
    ("no_third_party_disclosure", "No disclosure to third parties", "未向第三方泄露债务", 20),
    ("accurate_amounts", "Accurate amounts", "金额准确", 10),
    ("recorded_outcome", "Recorded the outcome", "如实记录结果", 10),
]


def add_items(apps, schema_editor):
    Item = apps.get_model("cases", "QualityChecklistItem")
    for order, (code, label, label_zh, weight) in enumerate(ITEMS, start=1):
        Item.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "label_zh": label_zh,
                "weight": weight,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_reports_campaigns_quality")]

    operations = [migrations.RunPython(add_items, migrations.RunPython.noop)]
