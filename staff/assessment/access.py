"""Who sees and does what with assessments (DESIGN §3 applied to issues 11 and 12).

- Everyone sees their own assessments once finalised (never a draft of their own).
- HR, branch managers and department heads see every assessment of their branch (HQ: all).
- Supervisors see the collectors' annual assessments of their branch (they score them),
  not their fellow managers'.
- Templates, runs and finalisation are company-wide (one ranking): HQ HR only.
- Nobody scores their own assessment.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from staff import roles
from staff.selectors import has_role, profile_of, sees_all_branches, user_branch

BRANCH_READERS = (roles.HR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD)
REVIEWER_ROLES = (*BRANCH_READERS, roles.SUPERVISOR)


def may_review(user) -> bool:
    """Reviewers and assessors: the assessment pages beyond one's own."""
    return has_role(user, *REVIEWER_ROLES)


def may_administer(user) -> bool:
    """Templates, weights, runs and finalisation (company-wide): HQ HR and superusers."""
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, roles.HR) and sees_all_branches(user)


def assessments_visible_to(queryset: QuerySet, user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if getattr(user, "is_superuser", False):
        return queryset
    if profile_of(user) is None:
        return queryset.none()
    own = Q(subject=user, status="finalised")
    if not has_role(user, *REVIEWER_ROLES):
        return queryset.filter(own)
    others = ~Q(subject=user)
    if not sees_all_branches(user):
        others &= Q(branch=user_branch(user))
    if not has_role(user, *BRANCH_READERS):  # a supervisor: the collectors' assessments
        others &= Q(round__template__kind="annual_collector")
    return queryset.filter(others | own)


def may_score(user, assessment) -> bool:
    """A reviewer who sees the assessment and is not the person assessed."""
    return (
        may_review(user)
        and assessment.subject_id != user.pk
        and type(assessment).objects.visible_to(user).filter(pk=assessment.pk).exists()
    )
