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

__all__ = [
    "CAREER_LADDER",
    "ApprovalRequest",
    "ApprovalRequestQuerySet",
    "Branch",
    "BranchScopedQuerySet",
    "DemoData",
    "Department",
    "Notification",
    "NotificationQuerySet",
    "PersonalDataView",
    "Position",
    "StaffProfile",
    "WorkdayOverride",
    "next_position",
]
