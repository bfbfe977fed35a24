"""Asking for, deciding and withdrawing approvals (the one way of approving, staff.approvals)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .approvals import approval_kind
from .models import ApprovalRequest, StaffProfile
from .selectors import has_role
from .services import notification_in_their_language
from .stored_text import shown_in_language


def approval_request(
    *, kind: str, subject: Model, branch, requested_by, summary: str
) -> ApprovalRequest:
    """Asks for a decision on `subject`; refused while one is already waiting for it."""
    kind_ = approval_kind(kind)
    content_type = ContentType.objects.get_for_model(subject)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say what is being asked for.")})
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                kind=kind_.key,
                branch=branch,
                content_type=content_type,
                object_id=subject.pk,
                summary=summary[:300],
                requested_by=requested_by,
            )
    except IntegrityError:
        raise ValidationError(_("A request for this is already waiting for a decision.")) from None
    _notify_deciders(request, kind_)
    return request


def _notify_deciders(request: ApprovalRequest, kind_) -> None:
    """In the bell of everyone who may decide it in the branch (no email: the list is the
    place where approvals are worked, and a busy branch would flood inboxes)."""
    deciders = (
        StaffProfile.objects.filter(
            branch=request.branch,
            status=StaffProfile.Status.ACTIVE,
            user__groups__name__in=kind_.approver_roles,
            user__is_active=True,
        )
        .exclude(user=request.requested_by)
        .select_related("user")
        .distinct()
    )
    for profile in deciders:
        notification_in_their_language(
            recipient=profile.user,
            actor=request.requested_by,
            make=lambda: (
                _("Waiting for your approval: %(kind)s") % {"kind": kind_.label},
                shown_in_language(request.summary),
            ),
            url=reverse("staff:approvals"),
            email=False,
        )


def approval_decide(
    *, approval: ApprovalRequest | int, user, approve: bool, comment: str = ""
) -> ApprovalRequest:
    """Approves or returns a waiting request, then lets its area move its object.

    The row is locked first, so two deciders at the same moment cannot both decide: the
    second is told it has been decided. A user who may not see the request gets a 404.
    """
    pk = approval.pk if isinstance(approval, ApprovalRequest) else approval
    comment = (comment or "").strip()
    with transaction.atomic():
        try:
            request = ApprovalRequest.objects.visible_to(user).select_for_update().get(pk=pk)
        except ApprovalRequest.DoesNotExist:
            raise Http404 from None
        kind_ = approval_kind(request.kind)
        if request.requested_by_id == user.pk:
            raise ValidationError(_("Nobody approves their own request."))
        if request.status != ApprovalRequest.Status.PENDING:
            raise ValidationError(
                _("This request has already been decided (%(status)s).")
                % {"status": request.get_status_display()}
            )
        if not has_role(user, *kind_.approver_roles):
            raise ValidationError(_("Your role does not decide this kind of request."))
        if kind_.refuse_decider is not None:
            reason = kind_.refuse_decider(request, user)
            if reason:
                raise ValidationError(reason)
        if not approve and not comment:
            raise ValidationError({"comment": _("Say why the request is returned.")})
        request.status = (
            ApprovalRequest.Status.APPROVED if approve else ApprovalRequest.Status.RETURNED
        )
        request.decided_by = user
        request.decided_at = timezone.now()
        request.comment = comment
        request.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        kind_.on_decided(request, approve)
        notification_in_their_language(
            recipient=request.requested_by,
            actor=user,
            make=lambda: (
                (_("Approved: %(kind)s") if approve else _("Returned: %(kind)s"))
                % {"kind": kind_.label},
                "\n".join(part for part in (shown_in_language(request.summary), comment) if part),
            ),
            url=request.subject_url or reverse("staff:approvals") + "?show=mine",
        )
    return request


def approval_withdraw(*, approval: ApprovalRequest | int, user) -> ApprovalRequest:
    """The requester takes back a request that is still waiting."""
    pk = approval.pk if isinstance(approval, ApprovalRequest) else approval
    with transaction.atomic():
        try:
            request = (
                ApprovalRequest.objects.filter(requested_by=user).select_for_update().get(pk=pk)
            )
        except ApprovalRequest.DoesNotExist:
            raise Http404 from None
        if request.status != ApprovalRequest.Status.PENDING:
            raise ValidationError(_("Only a request that is still waiting can be withdrawn."))
        request.status = ApprovalRequest.Status.WITHDRAWN
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        kind_ = approval_kind(request.kind)
        if kind_.on_withdrawn is not None:
            kind_.on_withdrawn(request)
    return request
