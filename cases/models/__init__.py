"""The cases app's models, by area: banks and agreements, placements, debtors and cases,
the work on a case, compliance, reports, campaigns and call quality."""

from .banks import (
    MONEY,
    RATE,
    Agreement,
    AgreementCommissionRate,
    Bank,
    BankApiKey,
    OverdueBucket,
    overdue_bucket,
)
from .campaigns import Campaign, CampaignCase
from .compliance import (
    ComplianceChannelRules,
    ComplianceOverride,
    ComplianceRefusal,
    ComplianceRuleSet,
    ComplianceViolation,
    ContactChannel,
)
from .debtors import Case, CaseQuerySet, ContactPoint, Debtor
from .money import Payment, PaymentPlan, Promise
from .placements import Placement, PlacementRowError, PlacementStream, assignment_due_for
from .procedures import CollectionPeriodExtension, SpecialProcedure, SpecialProcedureDocument
from .quality import (
    ITEM_SCALE,
    CallQualityMark,
    CallQualityReview,
    QualityChecklistItem,
)
from .repayments import BankRepayment, RepaymentFile, RepaymentRowError
from .reports import WeeklyReport
from .retention import RetentionPurge
from .snapshots import CaseStatusCount
from .statements import Statement, StatementImmutable, StatementLine, StatementLineNote
from .visits import (
    SafetyAlert,
    VisitDeadlineExtension,
    VisitNomination,
    VisitPhoto,
    VisitPlan,
    VisitPlanStop,
    VisitReport,
)
from .work import (
    CallLog,
    CallOutcome,
    CaseAssignment,
    CaseAssignmentBatch,
    CaseHold,
    CaseRowQuerySet,
    Party,
)

__all__ = [
    "ITEM_SCALE",
    "MONEY",
    "RATE",
    "Agreement",
    "AgreementCommissionRate",
    "Bank",
    "BankApiKey",
    "BankRepayment",
    "CallLog",
    "CallOutcome",
    "CallQualityMark",
    "CallQualityReview",
    "Campaign",
    "CampaignCase",
    "Case",
    "CaseAssignment",
    "CaseAssignmentBatch",
    "CaseHold",
    "CaseQuerySet",
    "CaseRowQuerySet",
    "CaseStatusCount",
    "CollectionPeriodExtension",
    "ComplianceChannelRules",
    "ComplianceOverride",
    "ComplianceRefusal",
    "ComplianceRuleSet",
    "ComplianceViolation",
    "ContactChannel",
    "ContactPoint",
    "Debtor",
    "OverdueBucket",
    "Party",
    "Payment",
    "PaymentPlan",
    "Placement",
    "PlacementRowError",
    "PlacementStream",
    "Promise",
    "QualityChecklistItem",
    "RepaymentFile",
    "RepaymentRowError",
    "RetentionPurge",
    "SafetyAlert",
    "SpecialProcedure",
    "SpecialProcedureDocument",
    "Statement",
    "StatementImmutable",
    "StatementLine",
    "StatementLineNote",
    "VisitDeadlineExtension",
    "VisitNomination",
    "VisitPhoto",
    "VisitPlan",
    "VisitPlanStop",
    "VisitReport",
    "WeeklyReport",
    "assignment_due_for",
    "overdue_bucket",
]
