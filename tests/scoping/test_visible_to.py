"""Every scoped model answers `objects.visible_to(user)` (DESIGN §3), in one place.

A home (branch A) user of the role that reads a model sees the home row and not
the foreign (branch B, bank B, another collector's) row.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from staff import roles

from .world import build_world

pytestmark = pytest.mark.django_db

# Models that need no rule, and why. Anything else in the four apps must have one.
UNSCOPED = {
    "cases.PlacementStream": "the import engine's own bookkeeping; no page or API reads it",
    "cases.CallOutcome": "reference data, the same for everyone",
    "cases.ComplianceRuleSet": "reference data, the same for everyone",
    "cases.ComplianceChannelRules": "reference data, the same for everyone",
    "cases.QualityChecklistItem": "the call quality checklist: reference data, the same for all",
    "staff.Branch": "the list of branches is not secret",
    "reporting.ReportSchedule": "one company schedule; read by admin staff, changed by HQ's",
    "reporting.RollupDirtyDay": "bookkeeping of days to recompute; no page reads it",
    "staff.WorkdayOverride": "the company calendar is the same for everyone",
    "staff.PersonalDataView": "an audit log read only in the Django admin",
    "staff.WorkingHours": "a branch's working hours are not secret",
    "staff.LeaveType": "reference data (the leave types and their rules), the same for everyone",
    "staff.DemoData": "marks rows seeded by seed_demo (production refuses them); no page reads it",
    "frontdesk.DocumentReminder": "bookkeeping of reminders sent; no page reads it",
    "staff.PromotionCriteria": "the company's promotion rules, the same for everyone",
    "staff.ComplexCaseDefinition": "part of the company's promotion rules",
    "staff.PromotionCycle": "promotion cycles are company-wide and open to every branch",
    "staff.AssessmentTemplate": "the company's assessment rules, the same for every reviewer",
    "staff.AssessmentSection": "part of an assessment template (company-wide rules)",
    "staff.AssessmentItem": "part of an assessment template (company-wide rules)",
    "staff.RecruitmentPolicy": "the company's recruitment rules, the same for everyone",
    "staff.WarningThreshold": "the early-warning thresholds, the same for everyone",
}

# model label → (role of the home user who reads it, attribute on world.home/foreign)
READERS = {
    "cases.Bank": None,  # company-wide: see test_banks_are_the_whole_companys_clients
    "cases.Agreement": (roles.ADMIN_STAFF, "agreement"),
    "cases.AgreementCommissionRate": (roles.ADMIN_STAFF, "bucket_rate"),
    "cases.BankApiKey": (roles.ADMIN_STAFF, "api_key"),
    "cases.Placement": (roles.ADMIN_STAFF, "placement"),
    "cases.PlacementRowError": (roles.ADMIN_STAFF, "row_error"),
    "cases.RepaymentFile": (roles.ADMIN_STAFF, "repayment_file"),
    "cases.RepaymentRowError": (roles.ADMIN_STAFF, "repayment_row_error"),
    "cases.BankRepayment": (roles.FINANCE, "bank_repayment"),
    "cases.Statement": (roles.FINANCE, "statement"),
    "cases.StatementLine": (roles.FINANCE, "statement_line"),
    "cases.CaseStatusCount": (roles.SUPERVISOR, "case_status_count"),
    "cases.Debtor": (roles.SUPERVISOR, "debtor"),
    "cases.ContactPoint": (roles.SUPERVISOR, "contact_point"),
    "cases.Case": (roles.SUPERVISOR, "case"),
    "cases.CaseAssignmentBatch": (roles.SUPERVISOR, "assignment_batch"),
    "cases.WeeklyReport": (roles.SUPERVISOR, "weekly_report"),
    "cases.Campaign": (roles.BRANCH_MANAGER, "campaign"),
    "cases.CampaignCase": (roles.SUPERVISOR, "campaign_case"),
    "cases.CallQualityReview": (roles.SUPERVISOR, "quality_review"),
    "cases.CallQualityMark": (roles.BRANCH_MANAGER, "quality_mark"),
    "staff.StaffProfile": (roles.HR, "staff_profile"),
    "staff.Department": (roles.HR, None),
    "staff.PromotionApplication": (roles.HR, "promotion_application"),
    "staff.PromotionEvidence": (roles.HR, "promotion_evidence"),
    "staff.PromotionAppeal": (roles.HR, "promotion_appeal"),
    "staff.PromotionStageRecord": (roles.HR, None),  # the application's rule, tested there
    "staff.CommitteeVote": (roles.HR, None),
    "staff.LevelChange": (roles.HR, None),  # tests/staff/promotion/test_scoping.py
    "staff.MonthlyTarget": (roles.SUPERVISOR, None),
    "staff.UpheldComplaint": (roles.HR, None),
    "staff.ApprovalRequest": (roles.SUPERVISOR, "approval"),
    "reporting.ReportRun": (roles.ADMIN_STAFF, "report_run"),
    "reporting.ReportResult": (roles.SUPERVISOR, "report_result"),
    "reporting.DailyCollectorFigures": (roles.SUPERVISOR, "rollup_row"),
    "staff.Assessment": (roles.HR, "assessment"),
    "staff.AssessmentResult": (roles.HR, "assessment_result"),
    "staff.AssessmentRound": None,  # company-wide: one ranking (tests/staff/assessment/)
    "frontdesk.Visit": (roles.FRONT_DESK, "visit"),
    "frontdesk.PhoneMessage": (roles.FRONT_DESK, "message"),
    "frontdesk.Document": (roles.FRONT_DESK, "document"),
    "frontdesk.DocumentAttachment": (roles.FRONT_DESK, "attachment"),
    "frontdesk.RoutingStep": (roles.FRONT_DESK, "step"),
    # training, recruitment, succession (issue 12)
    "staff.TrainingPlan": (roles.HR, "training_plan"),
    "staff.TrainingEnrolment": (roles.HR, "training_enrolment"),
    "staff.TrainingSession": (roles.HR, "training_session"),
    "staff.SessionAttendance": (roles.SUPERVISOR, "session_attendance"),
    "staff.TrainingNeed": (roles.DEPARTMENT_HEAD, None),
    "staff.Vacancy": (roles.HR, "vacancy"),
    "staff.Candidate": (roles.HR, "candidate"),
    "staff.Interview": (roles.HR, "interview"),
    "staff.KeyPost": (roles.BRANCH_MANAGER, "key_post"),
    "staff.Successor": (roles.HR, "successor"),
    "staff.Handover": (roles.HR, "handover"),
    "staff.HandoverItem": (roles.BRANCH_MANAGER, "handover_item"),
    "staff.EarlyWarningFlag": (roles.SUPERVISOR, "early_warning_flag"),
}


def _our_models():
    for app in ("cases", "staff", "frontdesk", "reporting"):
        for model in apps.get_app_config(app).get_models():
            if not model.__name__.startswith("Historical"):
                yield model


def test_every_model_of_ours_has_a_visibility_rule_or_says_why_not():
    missing = [
        model._meta.label
        for model in _our_models()
        if model._meta.label not in UNSCOPED and not hasattr(model.objects, "visible_to")
    ]
    assert not missing, (
        f"{missing}: give each a QuerySet with visible_to(user) (as_manager) or list it in "
        "UNSCOPED with the reason"
    )


@pytest.fixture
def world():
    from django.utils import timezone

    from cases.models import CaseStatusCount
    from tests.scoping.routes.money import _statement_on, repayment_file_of
    from tests.staff.assessment.world import assessment_of
    from tests.staff.promotion.world import promotion_application

    world = build_world()
    for side in (world.home, world.foreign):
        side.promotion_application = promotion_application(side)
        side.promotion_evidence = side.promotion_application.evidence.get()
        side.promotion_appeal = side.promotion_application.appeals.get()
        side.assessment = assessment_of(side)
        side.assessment_result = side.assessment.results.create(item=_any_item(side.assessment))
        side.repayment_file = repayment_file_of(side)
        side.repayment_row_error = side.repayment_file.row_errors.get()
        side.bank_repayment = side.repayment_file.repayments.get()
        side.statement_line = _statement_on(side).lines.get()
        side.case_status_count = CaseStatusCount.objects.create(
            branch=side.branch, status="open", count=1, computed_at=timezone.now()
        )
    return world


def _any_item(assessment):
    from staff.models import AssessmentItem, AssessmentSection

    section, _ = AssessmentSection.objects.get_or_create(
        template=assessment.round.template, name="Performance", defaults={"weight": 100}
    )
    item, _ = AssessmentItem.objects.get_or_create(
        section=section, name="Amount", defaults={"weight": 100, "indicator": "amount", "target": 1}
    )
    return item


def test_a_home_user_sees_home_rows_and_never_foreign_ones(world):
    problems = []
    for label, reader in READERS.items():
        if reader is None or reader[1] is None:
            continue
        role, attribute = reader
        model = apps.get_model(label)
        user = world.users[role]
        visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
        home, foreign = getattr(world.home, attribute), getattr(world.foreign, attribute)
        if home.pk not in visible:
            problems.append(f"{label}: {role} of branch A does not see branch A's row")
        if foreign.pk in visible:
            problems.append(f"{label}: {role} of branch A sees branch B's row")
    assert not problems, "\n".join(problems)


def test_roles_without_business_in_a_register_see_none_of_it(world):
    outsider = world.users[roles.FINANCE]
    for label in ("cases.Agreement", "cases.Placement", "cases.Case", "frontdesk.Document"):
        assert not apps.get_model(label).objects.visible_to(outsider).exists(), label


def test_collectors_see_their_own_cases_not_a_colleagues(world):
    from cases.models import Case
    from tests.factories import make_staff

    colleague = make_staff(roles.PHONE_COLLECTOR, branch=world.home.branch)
    assert list(Case.objects.visible_to(world.home.collector)) == [world.home.case]
    assert not Case.objects.visible_to(colleague).exists()


def test_confidential_documents_only_for_recipients_and_the_registering_desk(world):
    from frontdesk.models import Document

    document = world.home.document
    assert document in Document.objects.visible_to(world.home.desk)
    assert document in Document.objects.visible_to(world.home.supervisor)  # routed to
    assert document not in Document.objects.visible_to(world.users[roles.BRANCH_MANAGER])
    assert document not in Document.objects.visible_to(world.home.collector)


def test_notifications_are_their_recipients_only(world):
    from staff.models import Notification

    mine = Notification.objects.visible_to(world.home.collector)
    assert world.home.notification in mine
    assert world.foreign.notification not in mine
    assert not Notification.objects.visible_to(world.home.desk).filter(
        pk=world.home.notification.pk
    )


def test_banks_are_the_whole_companys_clients(world):
    from cases.models import Bank

    admin = world.users[roles.ADMIN_STAFF]
    assert {world.home.bank, world.foreign.bank} <= set(Bank.objects.visible_to(admin))
    assert not Bank.objects.visible_to(world.users[roles.SUPERVISOR]).exists()
    # Keys are managed only for banks whose agreements the branch handles.
    assert list(Bank.objects.keys_managed_by(admin)) == [world.home.bank]


def test_hq_sees_every_branch(world, hq):
    from cases.models import Placement
    from tests.factories import make_staff

    hq_admin = make_staff(roles.ADMIN_STAFF, branch=hq)
    assert {world.home.placement, world.foreign.placement} <= set(
        Placement.objects.visible_to(hq_admin)
    )


def test_collectors_see_their_own_reports_reviews_and_the_campaigns_they_lead(world):
    from cases.models import CallQualityReview, Campaign, WeeklyReport
    from tests.factories import make_staff

    colleague = make_staff(roles.PHONE_COLLECTOR, branch=world.home.branch)
    for model, attribute in (
        (WeeklyReport, "weekly_report"),
        (Campaign, "campaign"),
        (CallQualityReview, "quality_review"),
    ):
        assert list(model.objects.visible_to(world.home.collector)) == [
            getattr(world.home, attribute)
        ]
        assert not model.objects.visible_to(colleague).exists()
        assert not model.objects.visible_to(world.users[roles.FINANCE]).exists()


def test_candidates_are_seen_by_hr_and_their_interviewers_only(world):
    from staff.models import Candidate

    candidate = world.home.candidate
    assert candidate in Candidate.objects.visible_to(world.home.supervisor)  # interviews them
    for role in (roles.BRANCH_MANAGER, roles.SUPERVISOR, roles.DEPARTMENT_HEAD, roles.FRONT_DESK):
        assert candidate not in Candidate.objects.visible_to(world.users[role]), role


def test_training_records_own_team_branch(world):
    from staff.models import TrainingEnrolment

    record = world.home.training_enrolment  # the home collector's
    assert record in TrainingEnrolment.objects.visible_to(world.home.collector)
    assert record in TrainingEnrolment.objects.visible_to(world.users[roles.SUPERVISOR])
    assert record in TrainingEnrolment.objects.visible_to(world.users[roles.HR])
    assert record not in TrainingEnrolment.objects.visible_to(world.users[roles.PHONE_COLLECTOR])
    assert record not in TrainingEnrolment.objects.visible_to(world.users[roles.FRONT_DESK])


def _scoped_models():
    return [model for model in _our_models() if hasattr(model.objects, "visible_to")]


@pytest.mark.parametrize("who", ["anonymous", "none"])
def test_no_signed_in_user_sees_any_row_of_any_scoped_model(world, who):
    """A request without a signed-in user (AnonymousUser) and code that has no user at
    all (None) see nothing, whatever the model: the rules start from "nobody", never
    from a default that lets a missing user through."""
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else None
    company_wide = {"cases.Bank", "staff.AssessmentRound"}
    problems = []
    for model in _scoped_models():
        label = model._meta.label
        if label in company_wide:
            continue
        try:
            visible = model.objects.visible_to(user).count()
        except Exception as error:  # the test names the model that failed
            problems.append(f"{label}: {type(error).__name__}: {error}")
            continue
        if visible:
            problems.append(f"{label}: {visible} rows visible")
    assert not problems, "\n".join(problems)
