"""Scoped reads of the cases app: one selector per model, for staff and for banks.

Staff: the branch that handles an agreement sees it, its placements and its
cases; HQ sees all (`staff.selectors.restrict_to_branch`). Collectors see only
the cases assigned to them. Banks (the API): only their own rows. Asking for
anything else is a 404 (`get_scoped_object_or_404`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from cases.access import (  # noqa: F401  (the pages import the role lists from here)
    BANK_MANAGER_ROLES,
    CASE_SUPERVISOR_ROLES,
    CASE_VIEWER_ROLES,
    COLLECTOR_ROLES,
    PERSONAL_DATA_VIEWER_ROLES,
)
from cases.models import (
    Agreement,
    Bank,
    BankApiKey,
    Case,
    ContactPoint,
    OverdueBucket,
    Placement,
    PlacementRowError,
)
from collections_office.personal_data import keyed_hash
from staff.selectors import has_role, restrict_to_branch, sees_all_branches, user_branch

# --- Staff -------------------------------------------------------------------------------


def bank_list(*, user) -> QuerySet[Bank]:
    """Banks are the whole company's clients: every admin-staff member sees the list."""
    if not has_role(user, *BANK_MANAGER_ROLES):
        return Bank.objects.none()
    return Bank.objects.all()


def agreement_list(*, user) -> QuerySet[Agreement]:
    queryset = Agreement.objects.select_related("bank", "branch")
    if not has_role(user, *BANK_MANAGER_ROLES):
        return queryset.none()
    return restrict_to_branch(queryset, user=user, branch_field="branch")


def bank_list_for_keys(*, user) -> QuerySet[Bank]:
    """Banks whose keys the user manages: those with an agreement their branch handles."""
    if not has_role(user, *BANK_MANAGER_ROLES):
        return Bank.objects.none()
    if sees_all_branches(user):
        return Bank.objects.all()
    branch = user_branch(user)
    if branch is None:
        return Bank.objects.none()
    return Bank.objects.filter(pk__in=Agreement.objects.filter(branch=branch).values("bank_id"))


def api_key_list(*, user) -> QuerySet[BankApiKey]:
    """Keys of the banks whose agreements the user's branch handles (HQ: all)."""
    queryset = BankApiKey.objects.select_related("bank", "created_by")
    if not has_role(user, *BANK_MANAGER_ROLES):
        return queryset.none()
    if sees_all_branches(user):
        return queryset
    return queryset.filter(bank__in=bank_list_for_keys(user=user).values("pk"))


def placement_list(*, user) -> QuerySet[Placement]:
    queryset = Placement.objects.select_related("bank", "agreement", "agreement__branch")
    if not has_role(user, *BANK_MANAGER_ROLES):
        return queryset.none()
    return restrict_to_branch(queryset, user=user, branch_field="agreement__branch")


def case_list(*, user) -> QuerySet[Case]:
    """Cases a staff member may see: branch-scoped; a collector only their own."""
    return Case.objects.visible_to(user).select_related("bank", "branch", "debtor")


def case_filter_banks(*, user) -> list[tuple[int, str]]:
    """(id, name) of the banks whose agreements the user's branch handles, for filters.

    Read from agreements, not from a DISTINCT over a million cases.
    """
    agreements = restrict_to_branch(Agreement.objects.all(), user=user, branch_field="branch")
    return list(
        Bank.objects.filter(pk__in=agreements.values("bank_id"))
        .order_by("name")
        .values_list("pk", "name")
    )


def case_list_with_balance(*, user) -> QuerySet[Case]:
    return case_list(user=user).annotate(total_balance=F("principal") + F("interest") + F("fees"))


def overdue_bucket_range(bucket: str, *, today: dt.date | None = None) -> Q:
    """The `overdue_since` dates that fall in `bucket` today (see models.overdue_bucket)."""
    today = today or timezone.localdate()
    bounds = {
        OverdueBucket.M1: (0, 30),
        OverdueBucket.M2: (31, 60),
        OverdueBucket.M3: (61, 90),
        OverdueBucket.M4_6: (91, 180),
        OverdueBucket.M6_PLUS: (181, None),
    }
    low, high = bounds[bucket]
    condition = Q(overdue_since__lte=today - dt.timedelta(days=low))
    if high is not None:
        condition &= Q(overdue_since__gte=today - dt.timedelta(days=high))
    return condition


def case_search(queryset: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Cases matching `query`: account number (prefix), debtor name (substring), or the
    debtor's resident ID or phone number, found by keyed hash (never decrypted).

    Every page with a case search box uses this (the case list, the unassigned list).
    """
    query = (query or "").strip()
    if not query:
        return queryset
    condition = Q(account_no__istartswith=query) | Q(debtor__name__icontains=query)
    compact = query.replace(" ", "").replace("-", "")
    if len(compact) >= 15 and compact[:17].isdigit():
        from cases.normalise import validate_id_number

        try:
            number = validate_id_number(compact)[0]
        except ValueError:
            number = compact
        condition |= Q(debtor__id_number_hash=keyed_hash(number))
    digits = sum(ch.isdigit() for ch in compact)
    if 7 <= digits <= 15:
        from cases.normalise import normalise_phone

        try:
            phone = normalise_phone(query)
        except ValueError:
            phone = ""
        if phone:
            debtors = ContactPoint.objects.filter(
                kind=ContactPoint.Kind.PHONE, value_hash=keyed_hash(phone)
            ).values("debtor_id")
            condition |= Q(debtor_id__in=Subquery(debtors))
    return queryset.filter(condition)


def contact_points_prefetch() -> Prefetch:
    return Prefetch(
        "debtor__contact_points",
        queryset=ContactPoint.objects.order_by("kind", "created_at"),
    )


# --- Banks (the API) ----------------------------------------------------------------------


def placement_list_for_bank(*, bank: Bank) -> QuerySet[Placement]:
    return Placement.objects.filter(bank=bank).select_related("bank")


def placement_errors(*, placement: Placement) -> QuerySet[PlacementRowError]:
    return PlacementRowError.objects.filter(placement=placement).order_by("row_number", "pk")


def case_list_for_bank(*, bank: Bank) -> QuerySet[Case]:
    return Case.objects.filter(bank=bank).select_related("debtor")


def agreement_list_for_bank(*, bank: Bank) -> QuerySet[Agreement]:
    return Agreement.objects.filter(bank=bank)
