"""Every main page reads in Chinese: no English sentence left on a page shown in zh-hans.

Each role (plus a superuser) of branch A signs in with the language set to Simplified
Chinese and GETs every page in PAGES. The page's text (tags, scripts and styles
stripped) is searched for a run of three or more English words; the allow-list
(brand and format names, units, "ID", "HQ" …), words in capitals (codes such as a
TOTP key) and the data of the world (names, numbers, codes) do not count. A role
refused a page gets the 403/404 page, which is checked too; a redirect is skipped;
every page must be read (200) by at least one role. The login, password reset and 404
pages are checked for an anonymous visitor.

ADDING A PAGE: one line in PAGES, its name → a function of `w` (tests/scoping/world.py's
world: w.home.case, w.home.placement, w.home.visit, w.home.document, w.users[role] …)
that returns the path:

    "cases:call_detail": lambda w: reverse("cases:call_detail", args=[w.home.call.pk]),
    "cases:assignment": lambda w: reverse("cases:assignment"),

Rows the world does not have go into the `world` fixture (the function is called once
per viewer); English data values they show (a name, a typed reason) go into `_world_data`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import CallLog, Placement
from cases.services.banks import bank_create, bank_update
from cases.services.cases import case_recall
from frontdesk import services as desk_services
from staff import roles
from staff.models import StaffProfile
from tests.cases.api.builders import make_placement

from .scoping.world import build_world
from .staff.assessment.world import scored_assessment
from .staff.promotion.world import promotion_application

PAGES: dict[str, Callable] = {
    "dashboard": lambda w: reverse("dashboard"),
    "password_change": lambda w: reverse("password_change"),
    "two_factor": lambda w: reverse("two_factor"),
    "two_factor_setup": lambda w: reverse("two_factor_setup"),
    "staff:directory": lambda w: reverse("staff:directory"),
    "staff:detail": lambda w: reverse("staff:detail", args=[w.home.staff_profile.pk]),
    "staff:notifications": lambda w: reverse("staff:notifications"),
    # promotion reviews
    "promotion:mine": lambda w: reverse("promotion:mine"),
    "promotion:apply": lambda w: reverse("promotion:apply", args=[w.promotion.cycle_id]),
    "promotion:application": lambda w: reverse("promotion:application", args=[w.promotion.pk]),
    "promotion:queue": lambda w: reverse("promotion:queue"),
    "promotion:notices": lambda w: reverse("promotion:notices"),
    "promotion:notice": lambda w: reverse("promotion:notice", args=[w.promotion.pk]),
    "promotion:cycles": lambda w: reverse("promotion:cycles"),
    "promotion:criteria": lambda w: reverse("promotion:criteria"),
    "promotion:ladder": lambda w: reverse("promotion:ladder"),
    "promotion:complaints": lambda w: reverse("promotion:complaints"),
    "promotion:targets": lambda w: reverse("promotion:targets"),
    # training, recruitment, succession (issue 12)
    "staff:training_plans": lambda w: reverse("staff:training_plans"),
    "staff:training_plan_create": lambda w: reverse("staff:training_plan_create"),
    "staff:training_plan": lambda w: reverse("staff:training_plan", args=[w.home.training_plan.pk]),
    "staff:training_needs": lambda w: reverse("staff:training_needs"),
    "staff:training_mine": lambda w: reverse("staff:training_mine"),
    "staff:recruitment_vacancies": lambda w: reverse("staff:recruitment_vacancies"),
    "staff:recruitment_vacancy_create": lambda w: reverse("staff:recruitment_vacancy_create"),
    "staff:recruitment_vacancy": lambda w: reverse(
        "staff:recruitment_vacancy", args=[w.home.vacancy.pk]
    ),
    "staff:recruitment_candidate_create": lambda w: reverse(
        "staff:recruitment_candidate_create", args=[w.home.vacancy.pk]
    ),
    "staff:recruitment_candidate": lambda w: reverse(
        "staff:recruitment_candidate", args=[w.home.candidate.pk]
    ),
    "staff:recruitment_hire": lambda w: reverse(
        "staff:recruitment_hire", args=[w.home.candidate.pk]
    ),
    "staff:recruitment_my_interviews": lambda w: reverse("staff:recruitment_my_interviews"),
    "staff:succession_early_warning": lambda w: (
        reverse("staff:succession_early_warning") + "?show=all"
    ),
    "staff:succession_thresholds": lambda w: reverse("staff:succession_thresholds"),
    "staff:succession_posts": lambda w: reverse("staff:succession_posts"),
    "staff:succession_post": lambda w: reverse("staff:succession_post", args=[w.home.key_post.pk]),
    "staff:succession_handovers": lambda w: reverse("staff:succession_handovers"),
    "staff:succession_handover": lambda w: reverse(
        "staff:succession_handover", args=[w.home.handover.pk]
    ),
    "staff:approvals": lambda w: reverse("staff:approvals"),
    "reporting:index": lambda w: reverse("reporting:index"),
    "reporting:result": lambda w: reverse("reporting:result", args=[w.home.report_result.pk]),
    "reporting:runs": lambda w: reverse("reporting:runs"),
    "reporting:schedules": lambda w: reverse("reporting:schedules"),
    "reporting:view": lambda w: reverse("reporting:view") + "?kind=team_weekly",
    "reporting:view_finance": lambda w: reverse("reporting:view") + "?kind=collector_finance",
    "reporting:view_compliance": lambda w: (
        reverse("reporting:view") + "?kind=compliance_team_monthly"
    ),
    "reporting:team": lambda w: reverse(
        "reporting:team", args=[w.home.staff_profile.department_id]
    ),
    "reporting:collector": lambda w: reverse("reporting:collector", args=[w.home.collector.pk]),
    "staff:assessments": lambda w: (scored_assessment(w), reverse("staff:assessments"))[1],
    "staff:assessment_template": lambda w: reverse(
        "staff:assessment_template", args=[scored_assessment(w).round.template_id]
    ),
    "staff:assessment_round": lambda w: reverse(
        "staff:assessment_round", args=[scored_assessment(w).round_id]
    ),
    "staff:assessment_detail": lambda w: reverse(
        "staff:assessment_detail", args=[scored_assessment(w).pk]
    ),
    "staff:assessment_person": lambda w: reverse(
        "staff:assessment_person", args=[scored_assessment(w).subject_id]
    ),
    "cases:case_list": lambda w: reverse("cases:case_list"),
    "cases:case_detail": lambda w: reverse("cases:case_detail", args=[w.home.case.pk]),
    "cases:casepage_timeline": lambda w: reverse("cases:casepage_timeline", args=[w.home.case.pk]),
    # the collection workflow
    "cases:queue": lambda w: reverse("cases:queue"),
    "cases:assignment": lambda w: reverse("cases:assignment"),
    "cases:assignment_breaches": lambda w: reverse("cases:assignment_breaches"),
    "cases:assignment_collector": lambda w: reverse(
        "cases:assignment_collector", args=[w.home.collector.pk]
    ),
    "cases:compliance": lambda w: reverse("cases:compliance"),
    "cases:compliance_refusals": lambda w: reverse("cases:compliance_refusals"),
    "cases:compliance_rule_sets": lambda w: reverse("cases:compliance_rule_sets"),
    "cases:compliance_collector": lambda w: reverse(
        "cases:compliance_collector", args=[w.home.collector.pk]
    ),
    "cases:bank_list": lambda w: reverse("cases:bank_list"),
    "cases:bank_create": lambda w: reverse("cases:bank_create"),
    "cases:bank_detail": lambda w: reverse("cases:bank_detail", args=[w.registered_bank.pk]),
    "cases:bank_edit": lambda w: reverse("cases:bank_edit", args=[w.home.bank.pk]),
    "cases:bank_mapping": lambda w: reverse("cases:bank_mapping", args=[w.home.bank.pk]),
    "cases:api_key_issue": lambda w: reverse("cases:api_key_issue", args=[w.home.bank.pk]),
    "cases:agreement_create": lambda w: reverse("cases:agreement_create", args=[w.home.bank.pk]),
    "cases:api_keys": lambda w: reverse("cases:api_keys"),
    "cases:agreement_list": lambda w: reverse("cases:agreement_list"),
    # the retention purge (issue 13): headquarters' admin staff
    "cases:retention_purges": lambda w: reverse("cases:retention_purges"),
    "cases:retention_purge": lambda w: reverse(
        "cases:retention_purge", args=[_retention_purge(w.home.agreement).pk]
    ),
    "cases:agreement_detail": lambda w: reverse(
        "cases:agreement_detail", args=[w.home.agreement.pk]
    ),
    "cases:agreement_edit": lambda w: reverse("cases:agreement_edit", args=[w.home.agreement.pk]),
    "cases:placement_list": lambda w: reverse("cases:placement_list"),
    "cases:placement_upload": lambda w: reverse("cases:placement_upload"),
    "cases:placement_detail": lambda w: reverse(
        "cases:placement_detail", args=[w.home.placement.pk]
    ),
    "cases:placement_detail (failed)": lambda w: reverse(
        "cases:placement_detail", args=[w.failed_placement.pk]
    ),
    # bank repayment files (issue 13)
    "cases:repayment_file_list": lambda w: reverse("cases:repayment_file_list"),
    "cases:repayment_file_upload": lambda w: reverse("cases:repayment_file_upload"),
    "cases:repayment_file_detail": lambda w: reverse(
        "cases:repayment_file_detail", args=[w.home.repayment_file.pk]
    ),
    "cases:repayment_file_detail (failed)": lambda w: reverse(
        "cases:repayment_file_detail", args=[w.failed_repayment_file.pk]
    ),
    "cases:weekly_reports": lambda w: reverse("cases:weekly_reports"),
    "cases:weekly_report_detail": lambda w: reverse(
        "cases:weekly_report_detail", args=[w.home.weekly_report.pk]
    ),
    "cases:monthly_summary": lambda w: reverse("cases:monthly_summary"),
    "cases:handover": lambda w: reverse("cases:handover", args=[w.home.collector.pk]),
    "cases:campaign_list": lambda w: reverse("cases:campaign_list"),
    "cases:campaign_create": lambda w: reverse("cases:campaign_create"),
    "cases:campaign_detail": lambda w: reverse("cases:campaign_detail", args=[w.home.campaign.pk]),
    "cases:campaign_edit": lambda w: reverse("cases:campaign_edit", args=[w.home.campaign.pk]),
    "cases:quality_reviews": lambda w: reverse("cases:quality_reviews"),
    "cases:quality_checklist": lambda w: reverse("cases:quality_checklist"),
    "cases:quality_scores": lambda w: reverse("cases:quality_scores"),
    "cases:quality_review_detail": lambda w: reverse(
        "cases:quality_review_detail", args=[w.home.quality_review.pk]
    ),
    "cases:quality_review_call": lambda w: reverse("cases:quality_review_call", args=[w.call.pk]),
    # attendance, leave and overtime
    "staff:attendance_sheet": lambda w: reverse(
        "staff:attendance_sheet", args=[w.home.collector.pk, w.month.year, w.month.month]
    ),
    "staff:attendance_team": lambda w: reverse("staff:attendance_team"),
    "staff:attendance_correct": lambda w: reverse("staff:attendance_correct", args=[w.record.pk]),
    "staff:leave": lambda w: reverse("staff:leave") + "?show=team",
    "staff:leave_apply": lambda w: reverse("staff:leave_apply"),
    "staff:leave_detail": lambda w: reverse("staff:leave_detail", args=[w.leave.pk]),
    "staff:leave_calendar": lambda w: reverse("staff:leave_calendar"),
    "staff:overtime": lambda w: reverse("staff:overtime") + "?show=team",
    "staff:overtime_apply": lambda w: reverse("staff:overtime_apply"),
    "staff:overtime_detail": lambda w: reverse("staff:overtime_detail", args=[w.overtime.pk]),
    "staff:overtime_totals": lambda w: reverse("staff:overtime_totals"),
    "cases:payments": lambda w: reverse("cases:payments") + "?status=all",
    "cases:payment_detail": lambda w: reverse(
        "cases:payment_detail", args=[w.home.money["payment"].pk]
    ),
    "cases:payment_detail (confirmed)": lambda w: reverse(
        "cases:payment_detail", args=[w.home.money["confirmed"].pk]
    ),
    "cases:plan_detail": lambda w: reverse("cases:plan_detail", args=[w.home.money["plan"].pk]),
    "cases:statements": lambda w: reverse("cases:statements"),
    "cases:statement_reconcile": lambda w: reverse("cases:statement_reconcile"),
    "cases:statement_line_note": lambda w: reverse(
        "cases:statement_line_note", args=[w.home.statement.lines.get().pk]
    ),
    "cases:statement_detail": lambda w: reverse(
        "cases:statement_detail", args=[w.home.statement.pk]
    ),
    "frontdesk:my_items": lambda w: reverse("frontdesk:my_items"),
    "frontdesk:visit_list": lambda w: reverse("frontdesk:visit_list"),
    "frontdesk:visit_register": lambda w: reverse("frontdesk:visit_register"),
    "frontdesk:visit_preregister": lambda w: reverse("frontdesk:visit_preregister"),
    "frontdesk:in_building": lambda w: reverse("frontdesk:in_building"),
    "frontdesk:visit_detail": lambda w: reverse("frontdesk:visit_detail", args=[w.home.visit.pk]),
    "frontdesk:visit_detail (badge shared)": lambda w: reverse(
        "frontdesk:visit_detail", args=[w.shared_badge_visit.pk]
    ),
    "frontdesk:visit_correct": lambda w: reverse("frontdesk:visit_correct", args=[w.home.visit.pk]),
    "frontdesk:message_list": lambda w: reverse("frontdesk:message_list"),
    "frontdesk:message_take": lambda w: reverse("frontdesk:message_take"),
    # field visits, special procedures (issue 10)
    "cases:visit_list": lambda w: reverse("cases:visit_list"),
    "cases:visit_plan_create": lambda w: reverse("cases:visit_plan_create"),
    "cases:visit_detail": lambda w: reverse("cases:visit_detail", args=[_visits(w).nomination.pk]),
    "cases:visit_plan": lambda w: reverse("cases:visit_plan", args=[_visits(w).plan.pk]),
    "cases:visit_report": lambda w: reverse("cases:visit_report", args=[_visits(w).report.pk]),
    "cases:visit_report_create": lambda w: reverse(
        "cases:visit_report_create", args=[_own_visit(w).pk]
    ),
    "cases:safety_alert": lambda w: reverse("cases:safety_alert", args=[_visits(w).alert.pk]),
    "cases:procedure": lambda w: reverse("cases:procedure", args=[_visits(w).procedure.pk]),
    "frontdesk:message_detail": lambda w: reverse(
        "frontdesk:message_detail", args=[w.home.message.pk]
    ),
    "frontdesk:message_correct": lambda w: reverse(
        "frontdesk:message_correct", args=[w.home.message.pk]
    ),
    "frontdesk:document_list": lambda w: reverse("frontdesk:document_list"),
    "frontdesk:document_register": lambda w: reverse("frontdesk:document_register"),
    "frontdesk:document_detail": lambda w: reverse(
        "frontdesk:document_detail", args=[w.home.document.pk]
    ),
    "frontdesk:document_correct": lambda w: reverse(
        "frontdesk:document_correct", args=[w.home.document.pk]
    ),
}


def _visits(w):
    from tests.cases.visits.rows import visit_rows

    return visit_rows(w.home)


def _own_visit(w):
    from tests.cases.visits.rows import nomination_for

    return nomination_for(w.home, w.users[roles.FIELD_COLLECTOR])


# Words that are the same in Chinese text: brand and format names, units, abbreviations.
ALLOWED_WORDS = {
    "api",
    "csv",
    "xlsx",
    "xls",
    "id",
    "hq",
    "pdf",
    "jpeg",
    "png",
    "tiff",
    "word",
    "excel",
    "docx",
    "doc",
    "sha",
    "kb",
    "mb",
    "gb",
    "bytes",
    "cny",
    "usd",
    "utf",
    "ok",
    "url",
    "http",
    "https",
    "htmx",
    "json",
}

_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_ATTRIBUTES_READ_ALOUD = re.compile(
    r"""\b(?:title|placeholder|aria-label|alt|data-confirm)="([^"]*)\"""", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]+>")
_WORD = r"[A-Za-z][A-Za-z'’]*"
_ENGLISH_RUN = re.compile(rf"{_WORD}(?:[ ,;:]+{_WORD}){{2,}}")


def english_runs(page: str, data: set[str]) -> list[str]:
    """Runs of 3+ English words a reader sees (text and the attributes read to them)."""
    page = _INVISIBLE.sub("\n", page)
    read_aloud = "\n".join(_ATTRIBUTES_READ_ALOUD.findall(page))
    text = html.unescape(_TAG.sub("\n", page) + "\n" + read_aloud)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "\n")
    found = []
    for run in _ENGLISH_RUN.findall(text):
        # All-capital words are codes and abbreviations (a TOTP key, "BRA"), not prose.
        words = [
            w for w in re.findall(_WORD, run) if w.lower() not in ALLOWED_WORDS and not w.isupper()
        ]
        if len(words) >= 3:
            found.append(run)
    return found


def _retention_purge(agreement):
    from .scoping.routes.retention import _purge

    return _purge(agreement)


def _world_data(world) -> set[str]:
    """Values that are data, not interface: people's and rows' names, codes, numbers."""
    from django.contrib.auth import get_user_model

    values = set()
    for user in get_user_model().objects.all():
        values.update({user.get_full_name(), user.first_name, user.last_name, user.username})
    values.update({"Wang Fang", "Zhang Wei", world.failed_placement.original_name})
    # A test-only approval kind (areas register real, translated kinds).
    values.add("Scoping test request")
    for side in (world.home, world.foreign):
        values.update(
            {
                side.branch.name,
                side.bank.name,
                side.placement.original_name,
                side.visit.purpose,
                side.visit.visitor_name,
                side.message.caller_name,
                side.message.message,
                side.document.title,
                side.document.sender,
                side.document.receiving_unit,
                side.debtor.name if hasattr(side.debtor, "name") else "",
                side.agreement.number,
                getattr(getattr(side, "hold", None), "reason", ""),
                getattr(getattr(side, "campaign", None), "name", ""),
                side.bank.routine_contact_name,
                side.bank.emergency_contact_name,
                side.bank.file_transfer_channel,
                side.training_plan.title,
                side.training_plan.goal,
                side.training_plan.content,
                side.training_session.topic,
                side.training_need.topic,
                side.vacancy.title,
                side.candidate.name,
                side.key_post.title,
            }
        )
    values.add(world.registered_bank.name)
    return {value for value in values if value}


@pytest.fixture
def world(db):
    world = build_world()
    world.superuser = world.users[roles.ADMIN_STAFF].__class__.objects.create_superuser(
        "root.home", "root@example.com", "x"
    )
    # History written by services, and a row message as the intake stores it (English).
    world.registered_bank = bank_create(
        actor=None,
        code="cmb",
        name="招商银行",
        routine_contact_name="王经理",
        routine_contact_email="ops@cmb.example.com",
        routine_contact_phone="+862188888888",
        file_transfer_channel="REST API",
        emergency_contact_name="李经理",
        emergency_contact_phone="+8613800000000",
    )
    world.home.placement.row_errors.create(
        row_number=3, column="principal", message="The amount must not be negative."
    )
    from .scoping.routes.money import _money_on, _statement_on

    _money_on(world.home)
    _statement_on(world.home)
    case_recall(case=world.home.case, actor=world.superuser, reason="")
    bank_update(bank=world.home.bank, actor=None, routine_contact_name="张经理")
    world.failed_placement = make_placement(
        world.home.agreement,
        status=Placement.Status.FAILED,
        failure_reason="The file is a zip archive but not an Excel workbook (.xlsx).",
    )
    from .scoping.routes.money import repayment_file_of

    repayment_file_of(world.home).row_errors.create(
        row_number=4,
        column="reference",
        message="The reference was already reported in repayment file #3 (row 2).",
    )
    from tests.cases.api.test_repayments_api import make_repayment_file

    world.failed_repayment_file = make_repayment_file(
        world.home.agreement,
        status="failed",
        original_name="failed.csv",
        failure_reason="The file has a header row but no repayments in it.",
    )
    desk = world.home.desk
    for name in ("Wang Fang", "Zhang Wei"):
        world.shared_badge_visit = desk_services.visit_register(
            actor=desk,
            visitor_name=name,
            purpose="会议",
            host=world.home.collector,
            badge_number="V-07",
            badge_confirmed=True,
        )
    # A call not reviewed yet, for the page that scores one.
    world.call = CallLog.objects.create(
        case=world.home.case,
        collector=world.home.collector,
        contact_point=world.home.contact_point,
        party="debtor",
        started_at=world.home.reviewed_call.started_at,
        outcome=world.home.reviewed_call.outcome,
        status="completed",
        completed_at=world.home.reviewed_call.started_at,
        telephony_recording_id="PBX-NEW",
    )
    world.promotion = promotion_application(world.home)
    StaffProfile.objects.update(language="zh-hans")
    _attendance_rows(world)  # after: its notifications go out in the readers' language
    world.viewers = [*world.users.values(), world.superuser]
    return world


def _attendance_rows(world) -> None:
    """A clocked day, an approved leave (away today) and confirmed overtime of the home
    collector, through the services (their history too)."""
    import datetime as dt

    from staff.attendance import clock, leave, overtime
    from staff.attendance.days import today
    from staff.attendance.leave import default_leave_types_ensure

    collector, supervisor = world.home.collector, world.home.supervisor
    world.month = today().replace(day=1)
    world.record = clock.attendance_clock_in(user=collector)
    world.leave = leave.leave_apply(
        user=collector,
        leave_type=default_leave_types_ensure()["personal"],
        start_date=today() + dt.timedelta(days=1),
        start_half="am",
        end_date=today() + dt.timedelta(days=8),
        end_half="pm",
        reason="家事",
        cover=None,
    )
    leave.leave_decided(leave=world.leave, approved=True, decider=supervisor)
    world.overtime = overtime.overtime_apply(
        user=collector, work_date=today(), expected_hours=2, reason="月底"
    )
    overtime.overtime_decided(overtime=world.overtime, approved=True, decider=supervisor)
    overtime.overtime_record(overtime=world.overtime, actor=collector, actual_hours=2)
    overtime.overtime_confirm(overtime=world.overtime, actor=supervisor)


def test_every_main_page_reads_in_chinese(world):
    data = _world_data(world)
    problems, read = [], set()
    for user in world.viewers:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.cookies["django_language"] = "zh-hans"
        client.force_login(user)
        for name, path_of in PAGES.items():
            response = client.get(path_of(world))
            assert response.status_code != 500, (name, user.username)
            if response.status_code in (301, 302):
                continue
            if response.status_code == 200:
                read.add(name)
            for run in english_runs(response.content.decode(), data):
                problems.append(f"{name} as {user.username}: {run!r}")
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for path in (
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_complete"),
        reverse("dashboard") + "no-such-page/",
    ):
        for run in english_runs(anonymous.get(path).content.decode(), data):
            problems.append(f"{path} as an anonymous visitor: {run!r}")
    assert sorted(set(PAGES) - read) == [], "pages no role could read"
    assert not problems, "English left on pages shown in Chinese:\n" + "\n".join(
        sorted(set(problems))
    )


def test_the_checker_finds_an_english_sentence_and_ignores_data_and_allowed_words():
    page = (
        "<html><head><style>body { color: red }</style></head><body>"
        "<h1>催收案件</h1><p>Download the CSV file</p>"
        "<p>导出 CSV XLSX API</p><p>Li Lei Han Meimei</p>"
        '<input placeholder="Type a name here"><script>var a = "one two three";</script>'
        "</body></html>"
    )
    assert english_runs(page, {"Li Lei Han Meimei"}) == [
        "Download the CSV file",
        "Type a name here",
    ]
