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
from .ladder import (
    ComplexCaseDefinition,
    LevelChange,
    MonthlyTarget,
    PromotionCriteria,
    UpheldComplaint,
)
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
    PromotionAppeal,
    PromotionApplication,
    PromotionCycle,
    PromotionEvidence,
    PromotionStageRecord,
)
from .recruitment import Candidate, Interview, RecruitmentPolicy, Vacancy
from .succession import (
    EarlyWarningFlag,
    Handover,
    HandoverItem,
    KeyPost,
    Successor,
    WarningThreshold,
)
from .training import (
    SessionAttendance,
    TrainingEnrolment,
    TrainingNeed,
    TrainingPlan,
    TrainingSession,
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
    "Candidate",
    "CommitteeVote",
    "ComplexCaseDefinition",
    "DemoData",
    "Department",
    "EarlyWarningFlag",
    "Handover",
    "HandoverItem",
    "Interview",
    "KeyPost",
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
    "RecruitmentPolicy",
    "SessionAttendance",
    "StaffProfile",
    "Successor",
    "TrainingEnrolment",
    "TrainingNeed",
    "TrainingPlan",
    "TrainingSession",
    "UpheldComplaint",
    "Vacancy",
    "WarningThreshold",
    "WorkdayOverride",
    "WorkingHours",
    "next_position",
]
