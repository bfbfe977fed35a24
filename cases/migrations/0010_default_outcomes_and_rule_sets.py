"""The default call outcomes (DESIGN §4.4) and the two shipped compliance rule sets (§4.7).

Values are written out here (not imported) so the migration stays what it was when
it ran. The China 2026 profile is the company's rule set on a new installation.
"""

import datetime as dt

from django.db import migrations

OUTCOMES = [
    # code, label, label_zh, answered, conversation, callback, invalid number, dispute
    ("no_answer", "No answer", "无人接听", False, False, False, False, False),
    ("busy", "Busy", "占线", False, False, False, False, False),
    ("wrong_number", "Wrong number", "号码错误", True, False, False, True, False),
    ("contacted", "Contacted", "已联系", True, True, False, False, False),
    ("promise_to_pay", "Promise to pay", "承诺还款", True, True, False, False, False),
    ("refused", "Refused to pay", "拒绝还款", True, True, False, False, False),
    ("dispute", "Dispute", "提出异议", True, True, False, False, True),
    ("paid", "Says paid", "称已还款", True, True, False, False, False),
    ("callback", "Call back", "约定回电", True, True, True, False, False),
]

RULE_SETS = [
    {
        "code": "cn-2026",
        "name": "China 2026 default (banking association guideline, outsourced card collection)",
        "description": (
            "Calls 08:00–22:00 China time; at most 6 unanswered attempts per number per "
            "day; relatives and colleagues only once the debtor is unreachable (6 failed "
            "attempts over all the debtor's numbers within 3 days, no conversation) and "
            "only to ask how to reach the debtor; every call recorded."
        ),
        "time_zone_source": "fixed",
        "default_time_zone": "Asia/Shanghai",
        "is_company_default": True,
        "call": {
            "window_start": dt.time(8, 0),
            "window_end": dt.time(22, 0),
            "max_unanswered_per_point_per_day": 6,
            "max_attempts_per_case_per_7_days": None,
            "quiet_days_after_conversation": None,
            "third_party_only_when_unreachable": True,
            "unreachable_after_failed_attempts": 6,
            "unreachable_within_days": 3,
            "recording_required": True,
        },
    },
    {
        "code": "us-reg-f",
        "name": "US Regulation F (12 CFR 1006)",
        "description": (
            "Calls 08:00–21:00 in the debtor's local time; at most 7 calls in 7 "
            "consecutive days per debt, none for 7 days after a conversation; third "
            "parties only to locate the debtor; every call recorded."
        ),
        "time_zone_source": "debtor",
        "default_time_zone": "America/New_York",
        "is_company_default": False,
        "call": {
            "window_start": dt.time(8, 0),
            "window_end": dt.time(21, 0),
            "max_unanswered_per_point_per_day": None,
            "max_attempts_per_case_per_7_days": 7,
            "quiet_days_after_conversation": 7,
            "third_party_only_when_unreachable": True,
            "unreachable_after_failed_attempts": 4,
            "unreachable_within_days": 7,
            "recording_required": True,
        },
    },
]


def create_defaults(apps, schema_editor):
    CallOutcome = apps.get_model("cases", "CallOutcome")
    RuleSet = apps.get_model("cases", "ComplianceRuleSet")
    ChannelRules = apps.get_model("cases", "ComplianceChannelRules")
    for order, row in enumerate(OUTCOMES):
        code, label, label_zh, answered, conversation, callback, invalid, dispute = row
        CallOutcome.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "label_zh": label_zh,
                "answered": answered,
                "conversation": conversation,
                "requires_callback": callback,
                "suggests_invalid_number": invalid,
                "suggests_dispute": dispute,
                "sort_order": order * 10,
            },
        )
    for data in RULE_SETS:
        data = dict(data)
        call = data.pop("call")
        code = data.pop("code")
        rule_set, _created = RuleSet.objects.update_or_create(code=code, defaults=data)
        ChannelRules.objects.update_or_create(rule_set=rule_set, channel="call", defaults=call)


def placements_get_assignment_deadline(apps, schema_editor):
    from collections_office.workdays import add_working_days

    Placement = apps.get_model("cases", "Placement")
    for placement in Placement.objects.filter(assignment_due_at__isnull=True).only("received_at"):
        placement.assignment_due_at = add_working_days(placement.received_at, 1)
        placement.save(update_fields=["assignment_due_at"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_workflow_assignment_calls_compliance")]

    operations = [
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
        migrations.RunPython(placements_get_assignment_deadline, migrations.RunPython.noop),
    ]
