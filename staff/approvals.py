"""The kinds of request that need someone else's approval, one registry for the product.

Visit plans, collection-period extensions, special procedures, out-of-terms payment plans,
leave, overtime, training plans: each area registers an `ApprovalKind` (when its module is
imported at start-up) and asks for approval with `staff.services_approvals.approval_request`.
The decision itself is one code path (`approval_decide`): who may decide, nobody decides
their own request, nobody decides twice, the requester is told; the area's `on_decided`
callback then moves its own object, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class ApprovalKind:
    key: str
    label: str | Promise
    # Roles that may decide (in the request's branch; headquarters staff in every branch).
    approver_roles: tuple[str, ...]
    # Called as on_decided(approval_request, approved) inside the decision's transaction;
    # a ValidationError it raises refuses the decision and nothing is written.
    on_decided: Callable[[object, bool], None]
    # The page of the thing asked about (linked from the approvals list).
    subject_url: Callable[[object], str] | None = None
    # Extra rule on who decides, beyond the role (e.g. leave: the person's line manager;
    # long leave: HR). Returns the reason a user may not decide, or None.
    refuse_decider: Callable[[object, object], str | None] | None = None
    # Called as on_withdrawn(approval_request) when the requester withdraws the request.
    on_withdrawn: Callable[[object], None] | None = field(default=None)


_KINDS: dict[str, ApprovalKind] = {}


def register_approval_kind(kind: ApprovalKind) -> ApprovalKind:
    _KINDS[kind.key] = kind
    return kind


def approval_kind(key: str) -> ApprovalKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"no approval kind {key!r} is registered") from None


def approval_kinds() -> dict[str, ApprovalKind]:
    return dict(_KINDS)


def kinds_decided_by(user) -> list[str]:
    """The kinds `user` holds an approver role for."""
    from .selectors import has_role

    return [key for key, kind in _KINDS.items() if has_role(user, *kind.approver_roles)]
