"""The retention purge (DESIGN §4.1, §8): one agreement's data past its retention end.

A `RetentionPurge` is first a dry-run list (what would be deleted: rows per model, files)
sent to headquarters' admin staff through the approvals registry; once approved, the
purge task deletes in batches and records here what it deleted. The row itself holds no
personal data (model names, counts, stored file names), so it is kept for good.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .banks import Agreement


class RetentionPurgeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Headquarters' admin staff (who approve purges) see them all; nobody else."""
        from staff import roles
        from staff.selectors import has_role, sees_all_branches

        if sees_all_branches(user) and has_role(user, roles.ADMIN_STAFF):
            return self
        return self.none()


class RetentionPurge(models.Model):
    """The data of one agreement past its retention end: listed, approved, purged."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for approval")
        APPROVED = "approved", _("Approved: purging")
        DONE = "done", _("Purged")
        REFUSED = "refused", _("Refused")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="retention_purges",
        verbose_name=_("agreement"),
    )
    retention_ended_on = models.DateField(_("retention ended on"))
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # The dry run: {"cases.Case": 120, ...} and the stored files it found.
    planned = models.JSONField(_("what would be deleted"), default=dict)
    planned_files = models.JSONField(_("files that would be deleted"), default=list)
    planned_file_count = models.PositiveIntegerField(_("files"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What the purge deleted so far (rows per model, history rows, files), batch by batch.
    deleted = models.JSONField(_("deleted"), default=dict)
    files_deleted = models.PositiveIntegerField(_("files deleted"), default=0)
    error = models.TextField(_("error"), blank=True)

    objects = RetentionPurgeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention purge")
        verbose_name_plural = _("retention purges")
        ordering = ["-listed_at", "-pk"]
        constraints = [
            # One open list per agreement: the daily job asking again finds it.
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=["waiting", "approved"]),
                name="one_open_retention_purge_per_agreement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} ({self.get_status_display()})"

    @property
    def planned_total(self) -> int:
        return sum(self.planned.values())

    @property
    def deleted_total(self) -> int:
        return sum(value for key, value in self.deleted.items() if not key.startswith("files"))
