"""The scoping battery: every route of the URLconf, for every role, against another's rows.

The test walks the URLconf (`get_resolver()`, recursively). For every route that
takes an id it asks, as a user of each role in branch A, for a row of branch B /
bank B / a collector of branch B, by GET and by POST: the answer must be 404 (or
the role's 403, or 405 for the wrong method) — never 200, never a redirect after
acting, never a 500. The collectors are also asked for branch A's rows, which
belong to a colleague (the same registry, called with branch A's side). Bank API
routes are asked with bank A's key for bank B's rows: a JSON 404. Routes without
ids: every role gets 200/302/403/405 and never a 500; an anonymous visitor gets the
login redirect (the API: a JSON 401/403).

REGISTERING A NEW ROUTE (a route with an id that is missing here fails the test).
Add one line to ROUTES: the URL name → a function of `f`, the foreign side (branch
B; see tests/scoping/world.py for what it holds: f.branch, f.bank, f.agreement,
f.placement, f.case, f.collector, f.supervisor, f.desk, f.visit, f.message,
f.document, f.step, f.attachment, f.notification …; f.home is branch A's side),
returning the URL kwargs (or a list of kwargs dicts to try several combinations):

    "cases:call_detail": lambda f: {"pk": CallLog.objects.create(case=f.case, ...).pk},
    "cases:case_assign": lambda f: {"pk": f.case.pk},

Build the rows from `f`'s own attributes (the function is also called with branch
A's side for the collectors' check); it may create rows. If some roles may see
the foreign row by design (banks are the whole company's clients), list them in
SHARED with the reason; those roles are then only held to "never a 500".
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from staff import roles

from .scoping.world import build_world
from .staff.assessment.world import assessment_of
from .staff.promotion.world import (
    appeal_of,
    evidence_of,
    promotion_application,
    promotion_cycle,
)

ASSESSMENT_REVIEWERS = (roles.HR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD, roles.SUPERVISOR)

pytestmark = pytest.mark.django_db


def _schedule():
    from reporting.models import ReportSchedule

    return ReportSchedule.objects.get_or_create(
        key="scoping", defaults={"kind": "collector_weekly"}
    )[0]


# URL name → the kwargs that point at a foreign row (see the module docstring).
ROUTES: dict[str, Callable] = {
    # staff
    "staff:detail": lambda f: {"pk": f.staff_profile.pk},
    "staff:notification_open": lambda f: {"pk": f.notification.pk},
    # staff: training, recruitment, succession (issue 12)
    "staff:training_plan": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_edit": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_submit": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_complete": lambda f: {"pk": f.training_plan.pk},
    "staff:training_plan_enrol": lambda f: {"pk": f.training_plan.pk},
    "staff:training_session_add": lambda f: {"pk": f.training_plan.pk},
    "staff:training_attendance": lambda f: [
        {"pk": f.training_plan.pk, "session_pk": f.training_session.pk},
        {"pk": f.home.training_plan.pk, "session_pk": f.training_session.pk},
    ],
    "staff:training_result": lambda f: [
        {"pk": f.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
        {"pk": f.home.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
    ],
    "staff:training_rating": lambda f: [
        {"pk": f.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
        {"pk": f.home.training_plan.pk, "enrolment_pk": f.training_enrolment.pk},
    ],
    "staff:recruitment_vacancy": lambda f: {"pk": f.vacancy.pk},
    "staff:recruitment_candidate_create": lambda f: {"pk": f.vacancy.pk},
    "staff:recruitment_candidate": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_reveal": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_cv": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_step": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_interview_schedule": lambda f: {"pk": f.candidate.pk},
    "staff:recruitment_interview_score": lambda f: [
        {"pk": f.candidate.pk, "interview_pk": f.interview.pk},
        {"pk": f.home.candidate.pk, "interview_pk": f.interview.pk},
    ],
    "staff:recruitment_hire": lambda f: {"pk": f.candidate.pk},
    "staff:succession_post": lambda f: {"pk": f.key_post.pk},
    "staff:succession_successor_remove": lambda f: {"pk": f.successor.pk},
    "staff:succession_handover": lambda f: {"pk": f.handover.pk},
    "staff:succession_handover_confirm": lambda f: [
        {"pk": f.handover.pk, "item_pk": f.handover_item.pk},
        {"pk": f.home.handover.pk, "item_pk": f.handover_item.pk},
    ],
    "staff:approval_decide": lambda f: {"pk": f.approval.pk},
    "staff:approval_withdraw": lambda f: {"pk": f.approval.pk},
    # reporting
    "reporting:result": lambda f: {"pk": f.report_result.pk},
    "reporting:run_again": lambda f: {"pk": f.report_run.pk},
    "reporting:schedule_edit": lambda f: {"pk": _schedule().pk},
    # staff: assessments (issues 11/12)
    "staff:assessment_detail": lambda f: {"pk": assessment_of(f).pk},
    "staff:assessment_person": lambda f: {"user_id": assessment_of(f).subject_id},
    "staff:assessment_template": lambda f: {"pk": assessment_of(f).round.template_id},
    "staff:assessment_round_create": lambda f: {"pk": assessment_of(f).round.template_id},
    "staff:assessment_round": lambda f: {"pk": assessment_of(f).round_id},
    "staff:assessment_round_run": lambda f: {"pk": assessment_of(f).round_id},
    "staff:assessment_round_finalise": lambda f: {"pk": assessment_of(f).round_id},
    "staff:assessment_round_export": lambda f: [
        {"pk": assessment_of(f).round_id, "file_format": "csv"},
        {"pk": assessment_of(f).round_id, "file_format": "xlsx"},
    ],
    # staff: attendance, leave and overtime (a collector's own rows)
    "staff:attendance_sheet": lambda f: _month_of(f),
    "staff:attendance_sheet_confirm": lambda f: _month_of(f),
    "staff:attendance_sheet_lock": lambda f: _month_of(f),
    "staff:attendance_correct": lambda f: {"pk": _attendance_record(f).pk},
    "staff:leave_detail": lambda f: {"pk": _leave(f).pk},
    "staff:leave_cancel": lambda f: {"pk": _leave(f).pk},
    "staff:leave_return": lambda f: {"pk": _leave(f, status="taken").pk},
    "staff:overtime_detail": lambda f: {"pk": _overtime(f).pk},
    "staff:overtime_record": lambda f: {"pk": _overtime(f, status="approved").pk},
    "staff:overtime_confirm": lambda f: {"pk": _overtime(f, status="recorded").pk},
    "staff:overtime_cancel": lambda f: {"pk": _overtime(f).pk},
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
    # Rule sets are the company's, not a branch's: only HQ admin staff change them, and
    # the battery's users are of branch A (403 for all; 405 for a GET of the POST route).
    "cases:compliance_rule_set_company": lambda f: {"pk": _rule_set_channel().rule_set_id},
    "cases:compliance_channel_rules_edit": lambda f: {"pk": _rule_set_channel().pk},
    # cases: the call log
    "cases:call_log": lambda f: {"pk": f.case.pk},
    "cases:call_start": lambda f: {"pk": f.case.pk},
    "cases:call_detail": lambda f: {"pk": _call_on(f).pk},
    "cases:call_recording": lambda f: {"pk": _call_on(f, with_recording=True).pk},
    # cases: promises, payment plans and payments
    "cases:promise_create": lambda f: {"pk": f.case.pk},
    "cases:promise_cancel": lambda f: {"pk": _money_on(f)["promise"].pk},
    "cases:payment_claim": lambda f: {"pk": f.case.pk},
    "cases:plan_create": lambda f: {"pk": f.case.pk},
    "cases:plan_detail": lambda f: {"pk": _money_on(f)["plan"].pk},
    "cases:plan_cancel": lambda f: {"pk": _money_on(f)["plan"].pk},
    "cases:payment_detail": lambda f: {"pk": _money_on(f)["payment"].pk},
    "cases:payment_confirm": lambda f: {"pk": _money_on(f)["payment"].pk},
    "cases:payment_reject": lambda f: {"pk": _money_on(f)["payment"].pk},
    "cases:payment_reverse": lambda f: {"pk": _money_on(f)["confirmed"].pk},
    "cases:payment_receipt": lambda f: {"pk": _money_on(f)["payment"].pk},
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
    # promotion reviews (tests/staff/promotion/world.py)
    "promotion:apply": lambda f: {"cycle_pk": promotion_cycle(f.collector).pk},
    "promotion:application": lambda f: {"pk": promotion_application(f).pk},
    "promotion:department_review": lambda f: {"pk": promotion_application(f).pk},
    "promotion:hr_review": lambda f: {"pk": promotion_application(f).pk},
    "promotion:vote": lambda f: {"pk": promotion_application(f).pk},
    "promotion:decide": lambda f: {"pk": promotion_application(f).pk},
    "promotion:resubmit": lambda f: {"pk": promotion_application(f).pk},
    "promotion:evidence": lambda f: [
        {"pk": promotion_application(f).pk, "evidence_pk": evidence_of(f).pk},
        {"pk": promotion_application(f.home).pk, "evidence_pk": evidence_of(f).pk},
    ],
    "promotion:appeal_decide": lambda f: {"pk": appeal_of(f).pk},
    "promotion:notice": lambda f: {"pk": promotion_application(f).pk},
    "promotion:level_correct": lambda f: {"pk": f.staff_profile.pk},
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
    # front desk
    "frontdesk:visit_detail": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_reveal_id": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_arrive": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_check_out": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_correct": lambda f: {"pk": f.visit.pk},
    "frontdesk:visit_void": lambda f: {"pk": f.visit.pk},
    "frontdesk:message_detail": lambda f: {"pk": f.message.pk},
    "frontdesk:message_handle": lambda f: {"pk": f.message.pk},
    "frontdesk:message_correct": lambda f: {"pk": f.message.pk},
    "frontdesk:message_void": lambda f: {"pk": f.message.pk},
    "frontdesk:document_detail": lambda f: {"pk": f.document.pk},
    "frontdesk:document_route": lambda f: {"pk": f.document.pk},
    "frontdesk:step_sign": lambda f: [
        {"pk": f.document.pk, "step_pk": f.step.pk},
        {"pk": f.home.document.pk, "step_pk": f.step.pk},  # a foreign step under a home id
    ],
    "frontdesk:document_record": lambda f: {"pk": f.document.pk},
    "frontdesk:document_attach": lambda f: {"pk": f.document.pk},
    "frontdesk:attachment_download": lambda f: [
        {"pk": f.document.pk, "attachment_pk": f.attachment.pk},
        {"pk": f.home.document.pk, "attachment_pk": f.attachment.pk},
    ],
    "frontdesk:attachment_void": lambda f: [
        {"pk": f.document.pk, "attachment_pk": f.attachment.pk},
        {"pk": f.home.document.pk, "attachment_pk": f.attachment.pk},
    ],
    "frontdesk:document_correct": lambda f: {"pk": f.document.pk},
    "frontdesk:document_close": lambda f: {"pk": f.document.pk},
    "frontdesk:document_void": lambda f: {"pk": f.document.pk},
    # accounts: the link in a reset mail, with another person's id and a wrong token
    "password_reset_confirm": lambda f: {
        "uidb64": urlsafe_base64_encode(force_bytes(f.collector.pk)),
        "token": "set-by-nobody",
    },
    # bank API (asked with bank A's key)
    "bank_api:placement-detail": lambda f: {"pk": f.placement.pk},
    "bank_api:placement-errors": lambda f: {"pk": f.placement.pk},
    "bank_api:case-detail": lambda f: {"pk": f.case.pk},
    "bank_api:case-recall": lambda f: {"pk": f.case.pk},
}


def _month_of(f):
    from staff.attendance.days import today

    day = today()
    return {"user_id": f.collector.pk, "year": day.year, "month": day.month}


def _attendance_record(f):
    from django.utils import timezone

    from staff.attendance.days import today
    from staff.models import AttendanceRecord

    record, _created = AttendanceRecord.objects.get_or_create(
        user=f.collector,
        work_date=today(),
        defaults={"branch": f.branch, "clocked_in_at": timezone.now()},
    )
    return record


def _leave(f, *, status="requested"):
    import datetime as dt

    from staff.attendance.days import today
    from staff.attendance.leave import default_leave_types_ensure
    from staff.models import LeaveRequest

    start = today() + dt.timedelta(days=30)
    return LeaveRequest.objects.create(
        user=f.collector,
        branch=f.branch,
        leave_type=default_leave_types_ensure()["annual"],
        start_date=start,
        end_date=start,
        days=1,
        reason="family",
        status=status,
    )


def _overtime(f, *, status="requested"):
    from staff.attendance.days import today
    from staff.models import OvertimeRequest

    return OvertimeRequest.objects.create(
        user=f.collector,
        branch=f.branch,
        work_date=today(),
        expected_hours=2,
        actual_hours=2 if status == "recorded" else None,
        reason="month end",
        status=status,
    )


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


def _money_on(f) -> dict:
    """A promise, a plan waiting for approval, a claimed payment (with a receipt) and a
    confirmed one on the side's case (made once per side)."""
    if getattr(f, "money", None):
        return f.money
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from cases.models import Payment, PaymentPlan, Promise

    today = timezone.localdate()
    promise = Promise.objects.create(
        case=f.case,
        amount=Decimal("100.00"),
        due_on=today + dt.timedelta(days=3),
        counts_from=today,
        made_by=f.collector,
    )
    plan = PaymentPlan.objects.create(
        case=f.case,
        total_amount=Decimal("100.00"),
        schedule=[{"amount": "100.00", "due_on": (today + dt.timedelta(days=9)).isoformat()}],
        within_terms=False,
        made_by=f.collector,
    )
    payment = Payment(
        case=f.case,
        amount=Decimal("10.00"),
        paid_on=today,
        channel="to_bank",
        claimed_by=f.collector,
        receipt_sha256="0" * 64,
        receipt_content_type="application/pdf",
    )
    payment.receipt.save("battery.pdf", ContentFile(b"%PDF-1.4 battery"), save=False)
    payment.save()
    confirmed = Payment.objects.create(
        case=f.case,
        amount=Decimal("10.00"),
        paid_on=today,
        channel="to_bank",
        claimed_by=f.collector,
        status="confirmed",
        confirmed_by=f.supervisor,
        confirmed_at=timezone.now(),
    )
    f.money = {"promise": promise, "plan": plan, "payment": payment, "confirmed": confirmed}
    return f.money


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


# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {
    # Banks are the whole company's clients: every admin-staff member reads them and
    # may file an agreement with any of them for their own branch (docs/decisions.md).
    "cases:bank_detail": (roles.ADMIN_STAFF,),
    "cases:agreement_create": (roles.ADMIN_STAFF,),
    # Not a row but a secret: the token decides, not who asks; a wrong one shows the
    # "invalid link" page (200), checked by test_a_wrong_reset_token_opens_nothing.
    "password_reset_confirm": roles.ALL_ROLES,
    # One company schedule (one beat): a branch's admin staff open it read-only and are
    # told only HQ's change it (test_schedules_are_edited_by_hq_admin_staff…).
    "reporting:schedule_edit": (roles.ADMIN_STAFF,),
    # Promotion cycles are the company's, open to every branch: anyone may open the
    # application form (the service decides who may apply).
    "promotion:apply": roles.ALL_ROLES,
    # The notice board is for every staff member by design (DESIGN §5: public notice);
    # it shows only name, branch, step and dates, and takes appeals from anyone.
    "promotion:notice": roles.ALL_ROLES,
    # Assessment templates and rounds are company-wide (one ranking); the rows inside a
    # round and its exports are the reader's own branch only (tests/staff/assessment/).
    "staff:assessment_template": ASSESSMENT_REVIEWERS,
    "staff:assessment_round": ASSESSMENT_REVIEWERS,
    "staff:assessment_round_export": ASSESSMENT_REVIEWERS,
}

# Whole URL namespaces the battery does not walk, and why.
SKIPPED_NAMESPACES = {
    "admin": "the Django admin has its own gate (is_staff, model permissions); "
    "see test_the_django_admin_is_closed_to_role_users",
}

COLLECTOR_ROLES = (roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR)
ID_REFUSALS = {403, 404, 405}
PAGE_ANSWERS = {200, 302, 403, 405}
API_REFUSALS = {401, 403}


def walk_urlconf(patterns=None, namespaces=(), prefix=""):
    """(qualified name, route text, kwarg names, view) of every route, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = (pattern.namespace,) if pattern.namespace else ()
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from walk_urlconf(
                pattern.url_patterns, namespaces + namespace, prefix + str(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name or ""))
            kwargs = list(pattern.pattern.regex.groupindex)
            yield name, prefix + str(pattern.pattern), kwargs, pattern.callback


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


@pytest.fixture
def world():
    world = build_world()
    world.foreign.home = world.home
    world.home.home = world.home
    return world


@pytest.fixture
def clients(world):
    """One signed-in client per role (branch A), made once per test."""
    made = {}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        made[role] = client
    return made


def test_every_route_with_an_id_is_registered():
    missing = [
        f"{name} ({route})"
        for name, route, kwargs, _view in walk_urlconf()
        if kwargs and name not in ROUTES
    ]
    assert not missing, (
        "Routes that take an id are missing from the scoping battery: "
        f"{missing}. Register each in tests/test_scoping_battery.py ROUTES "
        '(e.g. "app:name": lambda f: {"pk": f.case.pk}); see the module docstring.'
    )
    unnamed = [route for name, route, _kwargs, _view in walk_urlconf() if name.endswith(":")]
    assert not unnamed, f"routes without a name cannot be checked: {unnamed}"


def test_no_stale_registrations():
    names = {name for name, *_rest in walk_urlconf()}
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


def test_every_role_is_refused_another_branchs_bank_or_collectors_rows(world, clients):
    failures = []
    for name, _route, kwargs_names, _view in walk_urlconf():
        if not kwargs_names:
            continue
        variants = ROUTES[name](world.foreign)
        for kwargs in variants if isinstance(variants, list) else [variants]:
            url = reverse(name, kwargs=kwargs)
            if _is_api(url):
                continue  # the API takes no staff sessions: see the bank-key test
            for role, client in clients.items():
                for method in ("get", "post"):
                    status = getattr(client, method)(url).status_code
                    shared = role in SHARED.get(name, ())
                    if status >= 500 or (not shared and status not in ID_REFUSALS):
                        failures.append(f"{method.upper()} {url} ({name}) as {role}: {status}")
    assert not failures, "Scoping leaks or errors:\n" + "\n".join(failures)


def test_collectors_are_refused_a_colleagues_rows_in_their_own_branch(world, clients):
    """The same routes built on branch A's rows, which belong to another collector of
    branch A (world.home.collector): the collectors of the battery may not see them."""
    failures = []
    for name, _route, kwargs_names, _view in walk_urlconf():
        if not kwargs_names:
            continue
        variants = ROUTES[name](world.home)
        for kwargs in variants if isinstance(variants, list) else [variants]:
            url = reverse(name, kwargs=kwargs)
            if _is_api(url):
                continue
            for role in COLLECTOR_ROLES:
                shared = role in SHARED.get(name, ())
                for method in ("get", "post"):
                    status = getattr(clients[role], method)(url).status_code
                    if status >= 500 or (not shared and status not in ID_REFUSALS):
                        failures.append(f"{method.upper()} {url} ({name}) as {role}: {status}")
    assert not failures, "A collector reaches a colleague's rows:\n" + "\n".join(failures)


def test_bank_api_routes_answer_another_banks_rows_with_a_json_404(world):
    client = Client(raise_request_exception=False)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.home.raw_key}"}
    failures = []
    checked = 0
    for name, _route, kwargs_names, _view in walk_urlconf():
        if not kwargs_names:
            continue
        variants = ROUTES[name](world.foreign)
        for kwargs in variants if isinstance(variants, list) else [variants]:
            url = reverse(name, kwargs=kwargs)
            if not _is_api(url):
                continue
            checked += 1
            for method in ("get", "post"):
                response = getattr(client, method)(url, **headers)
                is_json = response.get("Content-Type", "").startswith("application/json")
                if response.status_code not in (404, 405) or not is_json:
                    failures.append(f"{method.upper()} {url}: {response.status_code}")
            # Staff sessions are not bank credentials.
            staff = Client(raise_request_exception=False)
            staff.force_login(world.users[roles.ADMIN_STAFF])
            if staff.get(url).status_code not in API_REFUSALS:
                failures.append(f"GET {url} with a staff session: not refused")
    assert checked, "no bank API route was checked"
    assert not failures, "\n".join(failures)


def test_routes_without_ids_answer_every_role_without_an_error(world, clients):
    failures = []
    for name, _route, kwargs_names, _view in walk_urlconf():
        if kwargs_names:
            continue
        url = reverse(name)
        allowed = PAGE_ANSWERS | (API_REFUSALS if _is_api(url) else set())
        for role, client in clients.items():
            methods = ("get",) if name == "logout" else ("get", "post")
            for method in methods:
                status = getattr(client, method)(url).status_code
                if status not in allowed:
                    failures.append(f"{method.upper()} {url} ({name}) as {role}: {status}")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    client = Client(raise_request_exception=False)
    failures = []
    for name, _route, kwargs_names, view in walk_urlconf():
        if kwargs_names:
            continue
        url = reverse(name)
        response = client.get(url)
        if getattr(view, "login_required", True) is False:
            if response.status_code >= 500:
                failures.append(f"{url} ({name}): {response.status_code}")
        elif _is_api(url):
            if response.status_code not in API_REFUSALS:
                failures.append(f"{url} ({name}): {response.status_code}, expected 401/403")
        elif response.status_code != 302 or not response["Location"].startswith("/accounts/login/"):
            failures.append(f"{url} ({name}): {response.status_code}, expected the login page")
    assert not failures, "\n".join(failures)


def test_a_wrong_reset_token_opens_nothing(world, clients):
    url = reverse("password_reset_confirm", kwargs=ROUTES["password_reset_confirm"](world.foreign))
    for client in [Client(), *clients.values()]:
        response = client.get(url)
        assert response.status_code == 200
        assert not response.context["validlink"]


def test_the_django_admin_is_closed_to_role_users(world, clients):
    for role, client in clients.items():
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302, role
        assert "/admin/login/" in response["Location"], role
