"""Scoping battery routes: case work (cases, calls, compliance, visits, reports, campaigns).

The rules are in tests/test_scoping_battery.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable

from staff import roles

# URL name → the kwargs that point at a foreign row.
ROUTES: dict[str, Callable] = {
    # cases: banks, keys, agreements, placements, cases
    "cases:case_detail": lambda f: {"pk": f.case.pk},
    "cases:case_reveal": lambda f: {"pk": f.case.pk},
    "cases:bank_detail": lambda f: {"pk": f.bank.pk},
    "cases:bank_edit": lambda f: {"pk": f.bank.pk},
    "cases:bank_mapping": lambda f: {"pk": f.bank.pk},
    "cases:api_key_issue": lambda f: {"pk": f.bank.pk},
    "cases:agreement_create": lambda f: {"bank_pk": f.bank.pk},
    "cases:api_key_revoke": lambda f: {"pk": f.api_key.pk},
    "cases:agreement_detail": lambda f: {"pk": f.agreement.pk},
    "cases:agreement_edit": lambda f: {"pk": f.agreement.pk},
    "cases:agreement_document": lambda f: {"pk": f.agreement.pk},
    "cases:placement_detail": lambda f: {"pk": f.placement.pk},
    "cases:placement_errors_download": lambda f: [
        {"pk": f.placement.pk, "file_format": "csv"},
        {"pk": f.placement.pk, "file_format": "xlsx"},
    ],
    "cases:placement_original": lambda f: {"pk": f.placement.pk},
    # cases: the case page (casepage)
    "cases:casepage_timeline": lambda f: {"pk": f.case.pk},
    "cases:casepage_contact_point_add": lambda f: {"pk": f.case.pk},
    "cases:casepage_contact_point_invalid": lambda f: [
        {"pk": f.case.pk, "point_pk": f.contact_point.pk},
        {"pk": f.home.case.pk, "point_pk": f.contact_point.pk},  # a foreign number, home case
    ],
    "cases:casepage_classify": lambda f: {"pk": f.case.pk},
    "cases:casepage_hold_place": lambda f: {"pk": f.case.pk},
    "cases:casepage_hold_lift": lambda f: [
        {"pk": f.case.pk, "hold_pk": f.hold.pk},
        {"pk": f.home.case.pk, "hold_pk": f.hold.pk},
    ],
    # cases: compliance tools
    "cases:compliance_collector": lambda f: {"user_id": f.collector.pk},
    "cases:compliance_refusal_override": lambda f: {"pk": _refusal(f).pk},
    "cases:compliance_case_override": lambda f: {"pk": f.case.pk},
    "cases:compliance_violation_confirm": lambda f: {"pk": f.case.pk},
    # the battery's users are of branch A (403 for all; 405 for a GET of the POST route).
    "cases:compliance_rule_set_company": lambda f: {"pk": _rule_set_channel().rule_set_id},
    "cases:compliance_channel_rules_edit": lambda f: {"pk": _rule_set_channel().pk},
    # cases: the call log
    "cases:call_log": lambda f: {"pk": f.case.pk},
    "cases:call_start": lambda f: {"pk": f.case.pk},
    "cases:call_detail": lambda f: {"pk": _call_on(f).pk},
    "cases:call_recording": lambda f: {"pk": _call_on(f, with_recording=True).pk},
    # cases: assignment (supervisors; a collector of branch B, a case of branch B)
    "cases:assignment_collector": lambda f: {"pk": f.collector.pk},
    "cases:assignment_case": lambda f: {"pk": f.case.pk},
    # cases: reports, handover, campaigns, call quality (issue 10)
    "cases:weekly_report_detail": lambda f: {"pk": f.weekly_report.pk},
    "cases:handover": lambda f: {"pk": f.collector.pk},
    "cases:handover_apply": lambda f: {"pk": f.collector.pk},
    "cases:campaign_detail": lambda f: {"pk": f.campaign.pk},
    "cases:campaign_edit": lambda f: {"pk": f.campaign.pk},
    "cases:quality_review_call": lambda f: {"pk": _call_on(f).pk},
    "cases:quality_review_detail": lambda f: {"pk": f.quality_review.pk},
    # cases: field visits, special procedures, periods (issue 10)
    "cases:visit_nominate": lambda f: {"pk": f.case.pk},
    "cases:visit_detail": lambda f: {"pk": _visits(f).nomination.pk},
    "cases:visit_cancel": lambda f: {"pk": _visits(f).nomination.pk},
    "cases:visit_extension": lambda f: {"pk": _visits(f).nomination.pk},
    "cases:safety_alert_raise": lambda f: {"pk": _visits(f).nomination.pk},
    "cases:visit_report_create": lambda f: {"pk": _visits(f).nomination.pk},
    "cases:visit_plan": lambda f: {"pk": _visits(f).plan.pk},
    "cases:visit_report": lambda f: {"pk": _visits(f).report.pk},
    "cases:visit_report_review": lambda f: {"pk": _visits(f).report.pk},
    "cases:visit_report_recording": lambda f: {"pk": _visits(f).report.pk},
    "cases:visit_photo": lambda f: {"pk": _visits(f).photo.pk},
    "cases:safety_alert": lambda f: {"pk": _visits(f).alert.pk},
    "cases:procedure_request": lambda f: {"pk": f.case.pk},
    "cases:procedure": lambda f: {"pk": _visits(f).procedure.pk},
    "cases:procedure_start": lambda f: {"pk": _visits(f).procedure.pk},
    "cases:procedure_close": lambda f: {"pk": _visits(f).procedure.pk},
    "cases:procedure_document": lambda f: {"pk": _visits(f).document.pk},
    "cases:period_extension": lambda f: {"pk": f.case.pk},
}

# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {
    # Banks are the whole company's clients: every admin-staff member reads them and
    # may file an agreement with any of them for their own branch (docs/decisions.md).
    "cases:bank_detail": (roles.ADMIN_STAFF,),
    "cases:agreement_create": (roles.ADMIN_STAFF,),
}


def _visits(f):
    from tests.cases.visits.rows import visit_rows

    return visit_rows(f)


def _refusal(f):
    from django.utils import timezone

    from cases.models import ComplianceRefusal

    return ComplianceRefusal.objects.create(
        case=f.case,
        collector=f.collector,
        channel="call",
        refused_at=timezone.now(),
        rules=["contact_window"],
        message="outside the contact window",
    )


def _rule_set_channel():
    import datetime as dt

    from cases.models import ComplianceChannelRules, ComplianceRuleSet

    rule_set, _created = ComplianceRuleSet.objects.get_or_create(
        code="battery", defaults={"name": "Battery", "default_time_zone": "Asia/Shanghai"}
    )
    channel, _created = ComplianceChannelRules.objects.get_or_create(
        rule_set=rule_set,
        channel="call",
        defaults={"window_start": dt.time(8), "window_end": dt.time(22)},
    )
    return channel


def _call_on(f, *, with_recording: bool = False):
    """A completed call on the side's case (with a stored recording when asked)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from cases.audio import tone_wav
    from cases.models import CallLog, CallOutcome

    outcome, _created = CallOutcome.objects.get_or_create(
        code="contacted", defaults={"label": "Contacted", "answered": True, "conversation": True}
    )
    now = timezone.now()
    call = CallLog(
        case=f.case,
        collector=f.collector,
        contact_point=f.contact_point,
        party="debtor",
        started_at=now,
        outcome=outcome,
        status="completed",
        completed_at=now,
        telephony_recording_id="" if with_recording else "PBX-1",
    )
    if with_recording:
        call.recording.save("battery.wav", ContentFile(tone_wav(seconds=0.1)), save=False)
        call.recording_sha256 = "0" * 64
        call.recording_content_type = "audio/wav"
    call.save()
    return call
