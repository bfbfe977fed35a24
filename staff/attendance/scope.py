"""Who sees and who manages a person's attendance, leave and overtime.

- everyone sees their own rows;
- a supervisor or branch manager sees their branch (the branch is their team: the
  company has no smaller team unit); a department head sees the departments they head;
- HR sees their branch; headquarters staff in those roles see every branch.

The branch of a row is the person's branch when it was written, so a transfer does not
hand someone's past months to the new branch's HR.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from staff import roles
from staff.selectors import has_role, profile_of, sees_all_branches

# Roles that lead people (approve leave and overtime, confirm hours, see the team).
MANAGER_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD)
BRANCH_WIDE_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.HR)


def people_filter(user, *, user_field: str = "user", branch_field: str = "branch") -> Q | None:
    """The Q of rows `user` may see (None: every row)."""
    if getattr(user, "is_superuser", False):
        return None
    profile = profile_of(user)
    if profile is None:
        return Q(pk__in=[])
    condition = Q(**{user_field: user})
    if has_role(user, *BRANCH_WIDE_ROLES):
        if sees_all_branches(user):
            return None
        condition |= Q(**{branch_field: profile.branch_id})
    if has_role(user, roles.DEPARTMENT_HEAD):
        condition |= Q(**{f"{user_field}__staff_profile__department__head": user})
    return condition


def people_records_visible_to(queryset: QuerySet, *, user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    condition = people_filter(user)
    return queryset if condition is None else queryset.filter(condition)


def is_hr_for(user, person) -> bool:
    """HR of the person's branch (or of headquarters)."""
    if getattr(user, "is_superuser", False):
        return True
    if not has_role(user, roles.HR):
        return False
    if sees_all_branches(user):
        return True
    mine, theirs = profile_of(user), profile_of(person)
    return bool(mine and theirs and mine.branch_id == theirs.branch_id)


def is_line_manager_of(user, person) -> bool:
    """The person's line manager: the head of their department, or a supervisor or
    branch manager of their branch (headquarters: of any branch). Never oneself."""
    if user.pk == person.pk:
        return False
    if getattr(user, "is_superuser", False):
        return True
    theirs = profile_of(person)
    if theirs is None:
        return False
    if (
        has_role(user, roles.DEPARTMENT_HEAD)
        and theirs.department_id
        and theirs.department.head_id == user.pk
    ):
        return True
    if has_role(user, roles.SUPERVISOR, roles.BRANCH_MANAGER):
        if sees_all_branches(user):
            return True
        mine = profile_of(user)
        return bool(mine and mine.branch_id == theirs.branch_id)
    return False
