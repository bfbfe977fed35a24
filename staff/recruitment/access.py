"""Who sees recruitment rows (director rules 招聘與選拔; candidates are personal data).

- Vacancies: HR, branch managers and department heads of the vacancy's branch (HQ: all),
  and anyone interviewing one of its candidates.
- Candidates and their interviews: HR of the candidate's branch (HQ HR: all) and the
  candidate's own interviewers — nobody else, not even the branch manager, unless they
  interview. Unmasked contact details: HR only, and each view is recorded.
"""

from __future__ import annotations

from django.db.models import Q

from staff import roles
from staff.selectors import has_role, sees_all_branches, user_branch
from staff.training.access import _in_branch, _or

_NOTHING = Q(pk__in=[])


def _interviewing(user):
    from staff.models import Interview

    return Interview.objects.filter(interviewer=user).values("candidate_id")


def candidate_visibility(user, *, prefix: str = "") -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if getattr(user, "is_superuser", False):
        return None
    rules = [Q(**{f"{prefix}pk__in": _interviewing(user)})]
    if has_role(user, roles.HR):
        rules.append(_in_branch(user, f"{prefix}branch"))
    return _or(*rules)


def vacancy_visibility(user) -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if getattr(user, "is_superuser", False):
        return None
    from staff.models import Candidate

    rules = [Q(pk__in=Candidate.objects.filter(pk__in=_interviewing(user)).values("vacancy_id"))]
    if has_role(user, roles.HR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD):
        rules.append(_in_branch(user, "branch"))
    return _or(*rules)


def is_recruiter_for(user, branch_id: int) -> bool:
    """HR of the row's branch (HQ HR: every branch) runs its recruitment."""
    if getattr(user, "is_superuser", False):
        return True
    if not has_role(user, roles.HR):
        return False
    if sees_all_branches(user):
        return True
    branch = user_branch(user)
    return branch is not None and branch.pk == branch_id
