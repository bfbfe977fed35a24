"""Scoped reads of the cases app: one selector per model, for staff and for banks.

Staff: the branch that handles an agreement sees it, its placements and its
cases; HQ sees all. Each rule is the model's `objects.visible_to(user)` (see
`cases.access`). Collectors see only
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
    branch_condition,
    restrict,
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
from staff.selectors import demo_ids

# --- Staff -------------------------------------------------------------------------------


def bank_list(*, user, query: str = "") -> QuerySet[Bank]:
    """Banks are the whole company's clients: every admin-staff member sees the list."""
    banks = Bank.objects.visible_to(user)
    if query:
        banks = banks.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return banks


def agreement_list(*, user, bank_id: int | None = None) -> QuerySet[Agreement]:
    queryset = Agreement.objects.visible_to(user).select_related("bank", "branch")
    if bank_id is not None:
        queryset = queryset.filter(bank_id=bank_id)
    return queryset


def bank_list_for_keys(*, user) -> QuerySet[Bank]:
    """Banks whose keys the user manages: those with an agreement their branch handles."""
    return Bank.objects.keys_managed_by(user)


def api_key_list(*, user) -> QuerySet[BankApiKey]:
    """Keys of the banks whose agreements the user's branch handles (HQ: all)."""
    return BankApiKey.objects.visible_to(user).select_related("bank", "created_by")


def placement_list(*, user, status: str = "", bank_id: int | None = None) -> QuerySet[Placement]:
    """Placements the user may see, filtered by status and bank (ignored when unknown)."""
    queryset = Placement.objects.visible_to(user).select_related(
        "bank", "agreement", "agreement__branch"
    )
    if status in Placement.Status.values:
        queryset = queryset.filter(status=status)
    if bank_id is not None:
        queryset = queryset.filter(bank_id=bank_id)
    return queryset


def case_list(*, user) -> QuerySet[Case]:
    """Cases a staff member may see: branch-scoped; a collector only their own."""
    return Case.objects.visible_to(user).select_related("bank", "branch", "debtor")


def case_filter_banks(*, user) -> list[tuple[int, str]]:
    """(id, name) of the banks whose agreements the user's branch handles, for filters.

    Read from agreements, not from a DISTINCT over a million cases.
    """
    agreements = restrict(Agreement.objects.all(), branch_condition(user, "branch"))
    return list(
        Bank.objects.filter(pk__in=agreements.values("bank_id"))
        .order_by("name")
        .values_list("pk", "name")
    )


def case_list_with_balance(*, user) -> QuerySet[Case]:
    return case_list(user=user).annotate(total_balance=F("principal") + F("interest") + F("fees"))


def case_search(queryset: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Account number, debtor name, resident ID (by keyed hash) or phone (by keyed hash)."""
    from cases.normalise import normalise_phone, validate_id_number

    condition = Q(account_no__istartswith=query) | Q(debtor__name__icontains=query)
    compact = query.replace(" ", "").replace("-", "")
    if len(compact) >= 15 and compact[:17].isdigit():
        try:
            number = validate_id_number(compact)[0]
        except ValueError:
            number = compact
        condition |= Q(debtor__id_number_hash=keyed_hash(number))
    digits = sum(ch.isdigit() for ch in compact)
    if 7 <= digits <= 15:
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


def case_list_filtered(
    *,
    user,
    query: str = "",
    bank=None,
    status: str = "",
    branch=None,
    bucket: str = "",
) -> QuerySet[Case]:
    """The case list page: the user's cases (with their balance), searched and filtered."""
    cases = case_list_with_balance(user=user)
    if query:
        cases = case_search(cases, query)
    if bank:
        cases = cases.filter(bank=bank)
    if status:
        cases = cases.filter(status=status)
    if branch:
        cases = cases.filter(branch=branch)
    if bucket:
        cases = cases.filter(overdue_bucket_range(bucket))
    return cases


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


def contact_points_prefetch() -> Prefetch:
    return Prefetch(
        "debtor__contact_points",
        queryset=ContactPoint.objects.order_by("kind", "created_at"),
    )


# --- Banks (the API) ----------------------------------------------------------------------


def placement_list_for_bank(*, bank: Bank) -> QuerySet[Placement]:
    return Placement.objects.of_bank(bank).select_related("bank")


def placement_errors(*, placement: Placement) -> QuerySet[PlacementRowError]:
    """The rows of a placement the caller already fetched through a scoped selector."""
    return PlacementRowError.objects.filter(placement=placement).order_by("row_number", "pk")


def case_list_for_bank(
    *,
    bank: Bank,
    status: str = "",
    account_no: str = "",
    updated_since: dt.datetime | None = None,
) -> QuerySet[Case]:
    """A bank's own cases, filtered as its API client asked (the view validated the input)."""
    queryset = Case.objects.of_bank(bank).select_related("debtor")
    if status:
        queryset = queryset.filter(status=status)
    if account_no:
        queryset = queryset.filter(account_no=account_no)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return queryset


def agreement_list_for_bank(*, bank: Bank) -> QuerySet[Agreement]:
    return Agreement.objects.of_bank(bank)


# --- Demo data ---------------------------------------------------------------------------


def _demo_api_key_condition() -> Q:
    """Keys `seed_demo` issued, and any key equal to a development key the README publishes."""
    from cases.demo import DEVELOPMENT_KEYS
    from cases.services.banks import api_key_hash

    published = [api_key_hash(raw_key) for raw_key in DEVELOPMENT_KEYS.values()]
    return Q(pk__in=demo_ids(BankApiKey)) | Q(key_hash__in=published)


def demo_api_keys_usable() -> QuerySet[BankApiKey]:
    """Demo keys that would still authenticate (not revoked, not expired)."""
    return BankApiKey.objects.filter(_demo_api_key_condition(), revoked_at__isnull=True).exclude(
        expires_at__lte=timezone.now()
    )


def is_demo_api_key(key: BankApiKey) -> bool:
    return BankApiKey.objects.filter(_demo_api_key_condition(), pk=key.pk).exists()
