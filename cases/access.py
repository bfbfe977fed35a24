"""Who may see which rows of the cases app: one rule per model, as a `Q`.

Each model's `objects.visible_to(user)` (and so every selector) applies its rule
from here; `None` means "all rows", `_NOTHING` none.

Bank liaison (admin staff): banks are the company's clients, every admin staff
member sees the list; agreements, placements and their rejected rows belong to
the branch that handles the agreement (HQ: all); API keys to the banks whose
agreements the branch handles.

`case_visibility(user)` is the rule of DESIGN §3 for cases, as a `Q`:
- supervisors, branch managers and admin staff: their branch (HQ: all);
- phone collectors: the cases assigned to them;
- field collectors: the cases assigned to them and the cases on their visit lists (an
  open visit nomination to them: waiting for the visit or its report under review);
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
# Field visits' pages: the field collectors, who steers them, and who asks for them.
VISIT_PAGE_ROLES = (
    roles.FIELD_COLLECTOR,
    roles.SUPERVISOR,
    roles.BRANCH_MANAGER,
    roles.PHONE_COLLECTOR,
)
# May press "show full" on a case page (DESIGN §3: supervisors and the assigned collector).
PERSONAL_DATA_VIEWER_ROLES = (roles.SUPERVISOR,)

_NOTHING = Q(pk__in=[])


def may_change_bank_settings(user) -> bool:
    """A bank's details and its column mapping serve every branch that handles the bank
    (the mapping drives their imports): only HQ admin staff change them (docs/decisions.md).
    Branch admin staff read them and manage their own agreements and keys."""
    return has_role(user, *BANK_MANAGER_ROLES) and sees_all_branches(user)


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
        if has_role(user, roles.FIELD_COLLECTOR):
            condition |= Q(**{f"{prefix}pk__in": _visit_list_case_ids(user)})
        if not sees_all_branches(user):
            condition &= Q(**{f"{prefix}branch": branch})
        return condition
    return _NOTHING


def _visit_list_case_ids(user):
    """The cases on a field collector's visit lists (open nominations to them)."""
    from cases.models import VisitNomination

    return VisitNomination.objects.filter(
        field_collector=user, status__in=VisitNomination.OPEN_STATUSES
    ).values("case_id")


# Who reads a branch's field visits, procedures and periods as a whole.
VISIT_OVERSEER_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER)


def visit_row_visibility(
    user, *, collector_path: str, branch_path: str, case_path: str | None = None
) -> Q | None:
    """Field-visit rows (nominations, plans, reports, alerts …): supervisors and branch
    managers their branch (HQ all); a field collector the rows that are theirs
    (`collector_path`); a phone collector the rows of the cases they see (`case_path`,
    the prefix to the row's case; rows without a case: nothing)."""
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if has_role(user, *VISIT_OVERSEER_ROLES):
        return branch_condition(user, branch_path)
    condition = _NOTHING
    if has_role(user, roles.FIELD_COLLECTOR):
        condition = Q(**{collector_path: user})
    if case_path is not None and has_role(user, roles.PHONE_COLLECTOR):
        by_case = case_visibility(user, prefix=case_path)
        if by_case is not None:
            condition |= by_case
    return condition


def branch_condition(user, field: str) -> Q | None:
    """The branch rule (HQ: all, others their branch, no profile: nothing)."""
    if sees_all_branches(user):
        return None
    branch = user_branch(user)
    return Q(**{field: branch}) if branch is not None else _NOTHING


def restrict(queryset, condition: Q | None):
    """`queryset` under a visibility condition (None = every row)."""
    return queryset if condition is None else queryset.filter(condition)


def bank_visibility(user) -> Q | None:
    """Banks are the whole company's clients: every admin-staff member sees them all."""
    return None if has_role(user, *BANK_MANAGER_ROLES) else _NOTHING


def agreement_visibility(user, *, prefix: str = "") -> Q | None:
    """Agreements (and what hangs on them) of the branch that handles them; HQ all."""
    if not has_role(user, *BANK_MANAGER_ROLES):
        return _NOTHING
    return branch_condition(user, f"{prefix}branch")


# Repayment files and their rows: the admin staff who upload them and finance who
# reconciles them, of the branch handling the agreement (HQ: all).
REPAYMENT_VIEWER_ROLES = (roles.ADMIN_STAFF, roles.FINANCE)


def repayment_visibility(user, *, prefix: str) -> Q | None:
    """Repayment files and bank repayments: admin staff and finance of the agreement's
    handling branch (HQ all); `prefix` is the path to the agreement."""
    if not has_role(user, *REPAYMENT_VIEWER_ROLES):
        return _NOTHING
    return branch_condition(user, f"{prefix}branch")


def managed_bank_visibility(user, *, prefix: str = "") -> Q | None:
    """Banks whose keys the user manages: an agreement of theirs is handled by the branch."""
    if not has_role(user, *BANK_MANAGER_ROLES):
        return _NOTHING
    if sees_all_branches(user):
        return None
    branch = user_branch(user)
    if branch is None:
        return _NOTHING
    from cases.models import Agreement

    banks = Agreement.objects.filter(branch=branch).values("bank_id")
    return Q(**{f"{prefix}pk__in": banks})


def debtor_visibility(user, *, prefix: str = "") -> Q | None:
    """A debtor (and their contact points) is visible to whoever sees one of their cases."""
    condition = case_visibility(user)
    if condition is None:
        return None
    from cases.models import Case

    return Q(**{f"{prefix}pk__in": Case.objects.filter(condition).values("debtor_id")})


def assignment_batch_visibility(user) -> Q | None:
    """Assignment acts: the branch's case viewers (HQ: all); collectors see their cases' rows."""
    if not has_role(user, *CASE_VIEWER_ROLES):
        return _NOTHING
    return branch_condition(user, "branch")


def restrict_to_visible_cases(queryset, user, *, prefix: str):
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


# --- Reports, campaigns, quality reviews (issue 10) ---------------------------------------

# Who reviews weekly reports, runs handovers and campaigns, and scores calls.
TEAM_LEAD_ROLES = (roles.SUPERVISOR,)
# Who reads the team's reports, campaigns and quality scores (their branch; HQ all).
TEAM_READER_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER)


def _own_or_branch(user, *, own_field: str, branch_field: str) -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if has_role(user, *TEAM_READER_ROLES):
        return branch_condition(user, branch_field)
    if has_role(user, *COLLECTOR_ROLES):
        return Q(**{own_field: user})
    return _NOTHING


def weekly_report_visibility(user) -> Q | None:
    """A collector their own reports; supervisors and branch managers their branch's."""
    return _own_or_branch(user, own_field="collector", branch_field="branch")


def campaign_visibility(user, *, prefix: str = "") -> Q | None:
    """Supervisors and branch managers their branch's campaigns; a collector those they lead."""
    return _own_or_branch(user, own_field=f"{prefix}lead", branch_field=f"{prefix}branch")


def quality_review_visibility(user, *, prefix: str = "") -> Q | None:
    """Supervisors and branch managers: reviews of their branch's cases; a collector the
    reviews of their own calls."""
    return _own_or_branch(
        user, own_field=f"{prefix}collector", branch_field=f"{prefix}case__branch"
    )


# Who reviews, approves and publishes the monthly statements (issue 13).
STATEMENT_ROLES = (roles.FINANCE,)


def statement_visibility(user, *, prefix: str = "") -> Q | None:
    """Statements (and their lines) of the agreements the finance user's branch handles;
    headquarters finance: all; anyone else: nothing."""
    if not has_role(user, *STATEMENT_ROLES):
        return _NOTHING
    return branch_condition(user, f"{prefix}agreement__branch")
