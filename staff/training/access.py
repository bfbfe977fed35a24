"""Who sees whose people-records (training records, needs, the early-warning list).

A person sees their own; a manager their team; HR their branch (HQ HR: all).
"A team" is not a column anywhere yet, so it is defined here, once:
- a department head: the staff of the departments they head;
- a supervisor: the collectors (phone and field collector roles) of their branch —
  the people whose cases they assign and whose calls they review (DESIGN §3);
- a branch manager: their branch;
- HQ staff of those roles: the same rule across all branches.
Training plans are seen by HR and managers of the plan's branch, and by the people
enrolled in them.
"""

from __future__ import annotations

from django.db.models import Q

from staff import roles
from staff.selectors import has_role, sees_all_branches, user_branch

_NOTHING = Q(pk__in=[])
MANAGER_ROLES = (roles.SUPERVISOR, roles.DEPARTMENT_HEAD, roles.BRANCH_MANAGER)
COLLECTOR_ROLES = (roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR)


def _in_branch(user, field: str) -> Q | None:
    """The branch rule: None = every branch (HQ), else the user's own branch."""
    if sees_all_branches(user):
        return None
    branch = user_branch(user)
    return Q(**{field: branch}) if branch is not None else _NOTHING


def _or(*rules: Q | None) -> Q | None:
    """OR of rules where None means "everything"."""
    combined = _NOTHING
    for rule in rules:
        if rule is None:
            return None
        combined |= rule
    return combined


def team_visibility(user, *, prefix: str = "", include_self: bool = True) -> Q | None:
    """StaffProfile rows (under `prefix`) whose people-records `user` may read."""
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if getattr(user, "is_superuser", False):
        return None
    rules: list[Q | None] = []
    if include_self:
        rules.append(Q(**{f"{prefix}user": user}))
    if has_role(user, roles.HR, roles.BRANCH_MANAGER):
        rules.append(_in_branch(user, f"{prefix}branch"))
    if has_role(user, roles.DEPARTMENT_HEAD):
        rules.append(Q(**{f"{prefix}department__head": user}))
    if has_role(user, roles.SUPERVISOR):
        from django.contrib.auth.models import User

        collector_ids = User.objects.filter(groups__name__in=COLLECTOR_ROLES).values("pk")
        collectors = Q(**{f"{prefix}user__in": collector_ids})
        branch = _in_branch(user, f"{prefix}branch")
        rules.append(collectors if branch is None else collectors & branch)
    combined = _or(*rules)
    if combined is None:
        return None
    if not include_self:
        combined &= ~Q(**{f"{prefix}user": user})
    return combined


def profile_visibility(user, *, prefix: str = "") -> Q | None:
    """A row about a person (training record, need): them, their manager, HR."""
    return team_visibility(user, prefix=prefix)


def plan_visibility(user, *, prefix: str = "") -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if getattr(user, "is_superuser", False):
        return None
    from staff.models import TrainingEnrolment

    mine = Q(
        **{
            f"{prefix}pk__in": TrainingEnrolment.objects.filter(profile__user=user).values(
                "plan_id"
            )
        }
    )
    if has_role(user, roles.HR, *MANAGER_ROLES):
        return _or(mine, _in_branch(user, f"{prefix}branch"))
    return mine


def manages_training(user, branch_id: int) -> bool:
    """HR of the plan's branch (HQ HR: any) creates plans, sessions and records results."""
    if not has_role(user, roles.HR):
        return False
    if sees_all_branches(user):
        return True
    branch = user_branch(user)
    return branch is not None and branch.pk == branch_id


def may_rate_work_change(user, profile) -> bool:
    """The person's manager (their team) rates the change in their work, never themselves."""
    from staff.models import StaffProfile

    if profile.user_id == user.pk:
        return False
    rule = team_visibility(user, include_self=False)
    if rule is None:
        return True
    if not has_role(user, *MANAGER_ROLES):
        return False  # HR records results; only a manager judges the change in work
    return StaffProfile.objects.filter(rule, pk=profile.pk).exists()
