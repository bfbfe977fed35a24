"""Requests waiting for someone else's decision (staff.approvals has the kinds)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch


class ApprovalRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """One's own requests, and those of the kinds one decides in one's branch (HQ: all)."""
        from staff.approvals import kinds_decided_by
        from staff.selectors import sees_all_branches, user_branch

        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(requested_by=user)
        kinds = kinds_decided_by(user)
        if not kinds:
            return self.filter(mine)
        if sees_all_branches(user):
            return self.filter(mine | models.Q(kind__in=kinds))
        branch = user_branch(user)
        if branch is None:
            return self.filter(mine)
        return self.filter(mine | models.Q(kind__in=kinds, branch=branch))

    def pending(self):
        return self.filter(status=ApprovalRequest.Status.PENDING)


class ApprovalRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("object id"))
    subject = GenericForeignKey("content_type", "object_id")
    summary = models.CharField(_("summary"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_requests",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_decisions",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = ApprovalRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="approval_subject_idx"),
            models.Index(
                fields=["branch", "kind"],
                condition=models.Q(status="pending"),
                name="approval_pending_idx",
            ),
        ]
        constraints = [
            # One open question per thing and kind: asking again while it waits is refused.
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id"],
                condition=models.Q(status="pending"),
                name="approval_one_pending_per_subject",
            ),
            # Maker-checker in the schema: nobody decides their own request.
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="approval_not_decided_by_requester",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="approval_decided_at_iff_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.status})"

    @property
    def kind_label(self):
        from staff.approvals import approval_kinds

        kind = approval_kinds().get(self.kind)
        return kind.label if kind else self.kind

    @property
    def subject_url(self) -> str:
        from staff.approvals import approval_kinds

        kind = approval_kinds().get(self.kind)
        if kind is None or kind.subject_url is None or self.subject is None:
            return ""
        return kind.subject_url(self.subject)
