"""The staff app's models, one module per area; every model is importable from here.

An area adds its module below (promotion reviews, attendance and leave, training, ...).
"""

from .approvals import ApprovalRequest, ApprovalRequestQuerySet
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
from .recruitment import Candidate, Interview, RecruitmentPolicy, Vacancy
from .succession import Handover, HandoverItem, KeyPost, Successor, WarningThreshold
from .training import (
    SessionAttendance,
    TrainingEnrolment,
    TrainingNeed,
    TrainingPlan,
    TrainingSession,
)

__all__ = [
    "CAREER_LADDER",
    "ApprovalRequest",
    "ApprovalRequestQuerySet",
    "Branch",
    "BranchScopedQuerySet",
    "Candidate",
    "DemoData",
    "Department",
    "Handover",
    "HandoverItem",
    "Interview",
    "KeyPost",
    "Notification",
    "NotificationQuerySet",
    "PersonalDataView",
    "Position",
    "RecruitmentPolicy",
    "SessionAttendance",
    "StaffProfile",
    "Successor",
    "TrainingEnrolment",
    "TrainingNeed",
    "TrainingPlan",
    "TrainingSession",
    "Vacancy",
    "WarningThreshold",
    "WorkdayOverride",
    "next_position",
]
