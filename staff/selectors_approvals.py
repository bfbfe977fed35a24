"""Reading approval requests: a decider's waiting list, one's own requests, a thing's latest."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .approvals import approval_kinds, kinds_decided_by
from .models import ApprovalRequest


def approvals_pending_for(user, *, kind: str = "") -> QuerySet[ApprovalRequest]:
    """What waits for `user`'s decision: kinds they decide, in their branch (HQ: all),
    never their own requests."""
    queryset = (
        ApprovalRequest.objects.visible_to(user)
        .pending()
        .filter(kind__in=kinds_decided_by(user))
        .exclude(requested_by=user)
        .select_related("requested_by", "branch", "content_type")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def approvals_requested_by(user, *, kind: str = "") -> QuerySet[ApprovalRequest]:
    queryset = ApprovalRequest.objects.filter(requested_by=user).select_related(
        "decided_by", "branch", "content_type"
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def approvals_decided_by(user, *, kind: str = "") -> QuerySet[ApprovalRequest]:
    queryset = ApprovalRequest.objects.filter(decided_by=user).select_related(
        "requested_by", "branch", "content_type"
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def latest_approval(subject: Model, kind: str | None = None) -> ApprovalRequest | None:
    """The newest request about `subject` (of `kind`), whatever its status."""
    queryset = ApprovalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.select_related("requested_by", "decided_by").first()


def approval_kind_choices(user) -> list[tuple[str, str]]:
    kinds = approval_kinds()
    return [(key, str(kinds[key].label)) for key in sorted(kinds_decided_by(user))]
