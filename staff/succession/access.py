"""Who sees succession rows.

- Key posts and their successors (the reserve): HR and the branch manager of the post's
  branch (HQ: all) — who is being groomed for whose job is not for everyone.
- A handover: HR and the branch manager of its branch, the supervisor who checks it,
  the successor and the person leaving.
- The early-warning list: the people of one's team (staff.training.access), never
  oneself; only supervisors, department heads, branch managers and HR open it.
"""

from __future__ import annotations

from django.db.models import Q

from staff import roles
from staff.selectors import has_role, sees_all_branches, user_branch
from staff.training.access import _in_branch, _or

_NOTHING = Q(pk__in=[])
EARLY_WARNING_ROLES = (roles.SUPERVISOR, roles.DEPARTMENT_HEAD, roles.BRANCH_MANAGER, roles.HR)
SUCCESSION_ROLES = (roles.HR, roles.BRANCH_MANAGER)


def succession_visibility(user, *, prefix: str = "") -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if getattr(user, "is_superuser", False):
        return None
    if has_role(user, *SUCCESSION_ROLES):
        return _in_branch(user, f"{prefix}branch")
    return _NOTHING


def handover_visibility(user, *, prefix: str = "") -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if getattr(user, "is_superuser", False):
        return None
    rules = [
        Q(**{f"{prefix}supervisor": user}),
        Q(**{f"{prefix}successor__user": user}),
        Q(**{f"{prefix}leaver__user": user}),
    ]
    if has_role(user, *SUCCESSION_ROLES):
        rules.append(_in_branch(user, f"{prefix}branch"))
    return _or(*rules)


def manages_succession(user, branch_id: int) -> bool:
    """HR or the branch manager of the branch (HQ: any) edits posts and opens handovers."""
    if getattr(user, "is_superuser", False):
        return True
    if not has_role(user, *SUCCESSION_ROLES):
        return False
    if sees_all_branches(user):
        return True
    branch = user_branch(user)
    return branch is not None and branch.pk == branch_id
