"""The staff app's models, one module per area; every model is importable from here.

An area adds its module below (promotion reviews, attendance and leave, training, ...).
"""

from .approvals import ApprovalRequest, ApprovalRequestQuerySet
from .assessment import (
    MANAGER_KINDS,
    Assessment,
    AssessmentItem,
    AssessmentKind,
    AssessmentResult,
    AssessmentRound,
    AssessmentSection,
    AssessmentTemplate,
)
from .attendance import AttendanceMonth, AttendanceRecord, PeopleRecordQuerySet, WorkingHours
from .leave import LeaveRequest, LeaveType, OvertimeRequest
from .organisation import (
    CAREER_LADDER,
    Branch,
    BranchScopedQuerySet,
    DemoData,
    Department,
    Notification,
    NotificationQuerySet,
    PersonalDataView,
    Position,
    StaffProfile,
    WorkdayOverride,
    next_position,
)
from .promotion import (
    CommitteeVote,
    ComplexCaseDefinition,
    LevelChange,
    MonthlyTarget,
    PromotionAppeal,
    PromotionApplication,
    PromotionCriteria,
    PromotionCycle,
    PromotionEvidence,
    PromotionStageRecord,
    UpheldComplaint,
)

__all__ = [
    "CAREER_LADDER",
    "MANAGER_KINDS",
    "ApprovalRequest",
    "ApprovalRequestQuerySet",
    "Assessment",
    "AssessmentItem",
    "AssessmentKind",
    "AssessmentResult",
    "AssessmentRound",
    "AssessmentSection",
    "AssessmentTemplate",
    "AttendanceMonth",
    "AttendanceRecord",
    "Branch",
    "BranchScopedQuerySet",
    "CommitteeVote",
    "ComplexCaseDefinition",
    "DemoData",
    "Department",
    "LeaveRequest",
    "LeaveType",
    "LevelChange",
    "MonthlyTarget",
    "Notification",
    "NotificationQuerySet",
    "OvertimeRequest",
    "PeopleRecordQuerySet",
    "PersonalDataView",
    "Position",
    "PromotionAppeal",
    "PromotionApplication",
    "PromotionCriteria",
    "PromotionCycle",
    "PromotionEvidence",
    "PromotionStageRecord",
    "StaffProfile",
    "UpheldComplaint",
    "WorkdayOverride",
    "WorkingHours",
    "next_position",
]
