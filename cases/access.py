"""Who may see which cases, as one rule every queryset of the cases app applies.

`case_visibility(user)` is the rule of DESIGN §3 for cases, as a `Q`:
- supervisors, branch managers and admin staff: their branch (HQ: all);
- phone collectors: the cases assigned to them (field collectors: the same until
  visit lists arrive);
- anyone else: nothing.
Models whose rows belong to a case (calls, holds, assignments …) scope through it
with `prefix="case__"`, so the rule is written once.
"""

from __future__ import annotations

from django.db.models import Q

from staff import roles
from staff.selectors import has_role, sees_all_branches, user_branch

# Who may open which pages (views gate on these; `case_visibility` scopes the rows).
BANK_MANAGER_ROLES = (roles.ADMIN_STAFF,)
CASE_VIEWER_ROLES = (roles.ADMIN_STAFF, roles.SUPERVISOR, roles.BRANCH_MANAGER)
COLLECTOR_ROLES = (roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR)
# Supervisors steer the work of their branch: assign, override, lift holds, correct.
CASE_SUPERVISOR_ROLES = (roles.SUPERVISOR,)
# May press "show full" on a case page (DESIGN §3: supervisors and the assigned collector).
PERSONAL_DATA_VIEWER_ROLES = (roles.SUPERVISOR,)

_NOTHING = Q(pk__in=[])


def case_visibility(user, *, prefix: str = "") -> Q | None:
    """The condition on cases (`prefix` = the path to the case) for `user`; None = all."""
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if has_role(user, *CASE_VIEWER_ROLES):
        if sees_all_branches(user):
            return None
        branch = user_branch(user)
        return Q(**{f"{prefix}branch": branch}) if branch is not None else _NOTHING
    if has_role(user, *COLLECTOR_ROLES):
        branch = user_branch(user)
        if branch is None and not sees_all_branches(user):
            return _NOTHING
        condition = Q(**{f"{prefix}assigned_to": user})
        if not sees_all_branches(user):
            condition &= Q(**{f"{prefix}branch": branch})
        return condition
    return _NOTHING


def restrict_to_visible_cases(queryset, user, *, prefix: str = "case__"):
    """`queryset` (of rows that belong to a case) limited to the cases `user` may see."""
    condition = case_visibility(user, prefix=prefix)
    if condition is None:
        return queryset
    return queryset.filter(condition)


def may_see_personal_data(user, case) -> bool:
    """Full ID numbers and phones: supervisors, and the collector the case is assigned to."""
    if has_role(user, *PERSONAL_DATA_VIEWER_ROLES):
        return True
    return case.assigned_to_id is not None and case.assigned_to_id == getattr(user, "pk", None)
