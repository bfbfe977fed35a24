"""Placements: one uploaded file of overdue accounts each, and the state of its import."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .bank_files import BankFile, BankFileQuerySet, BankFileRowError, bank_file_constraints
from .banks import Agreement, Bank, BankApiKey


class PlacementQuerySet(BankFileQuerySet):
    def visible_to(self, user) -> PlacementQuerySet:
        """Placements of the agreements the user's branch handles (HQ: all)."""
        from cases.access import agreement_visibility, restrict

        return restrict(self, agreement_visibility(user, prefix="agreement__"))

    @staticmethod
    def late_condition(now: dt.datetime | None = None) -> Q:
        """`Placement.is_late` as a condition (for counts and filters in one query)."""
        now = now or timezone.now()
        sla = Placement.import_sla()
        completed = Q(status=Placement.Status.COMPLETED)
        return (completed & Q(finished_at__gt=models.F("received_at") + sla)) | (
            ~completed & Q(received_at__lt=now - sla)
        )

    def late(self, now: dt.datetime | None = None) -> PlacementQuerySet:
        return self.filter(self.late_condition(now))


class PlacementRowErrorQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlacementRowErrorQuerySet:
        """Rejected rows are visible exactly when their placement is."""
        from cases.access import agreement_visibility, restrict

        return restrict(self, agreement_visibility(user, prefix="placement__agreement__"))


class Placement(BankFile):
    """One file of overdue accounts uploaded by a bank, and the state of its import.

    The fields every bank file has (status, file name, size, SHA-256, idempotency key,
    counts, times) and its progress are `BankFile`'s."""

    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="placements", verbose_name=_("bank")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="placements", verbose_name=_("agreement")
    )
    original_file = models.FileField(_("original file"), upload_to="placements/%Y/%m/")
    api_key = models.ForeignKey(
        BankApiKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("API key"),
    )
    rows_created = models.PositiveIntegerField(_("cases created"), default=0)
    rows_updated = models.PositiveIntegerField(_("cases updated"), default=0)
    # Its new cases must be assigned by then: 1 working day after receipt (DESIGN §4.3).
    # One value per placement, so the unassigned list and the dashboard can compare
    # it in SQL; set on first save (`assignment_due_for`).
    assignment_due_at = models.DateTimeField(_("assign cases by"), null=True, blank=True)
    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["rows_done"])

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-received_at"]
        # The original file is every debtor of the file unmasked (ID numbers, phones,
        # addresses): granted person by person, not with the admin staff role.
        permissions = [
            (
                "download_placement_original",
                _("Can download a bank's original placement file (personal data unmasked)"),
            )
        ]
        constraints = bank_file_constraints("placement")

    def __str__(self) -> str:
        return f"{self.bank.code} #{self.pk} {self.original_name}"

    def save(self, *args, **kwargs):
        if self.assignment_due_at is None:
            self.assignment_due_at = assignment_due_for(self.received_at or timezone.now())
        super().save(*args, **kwargs)

    # --- Derived: the intake service level (the one definition) ---------------------

    @staticmethod
    def import_sla() -> dt.timedelta:
        return dt.timedelta(minutes=settings.PLACEMENT_IMPORT_SLA_MINUTES)

    def is_late(self, now: dt.datetime | None = None) -> bool:
        """Not completed within the service level of its receipt (still running, failed,
        or completed after the deadline). `PlacementQuerySet.late` is the same rule in SQL."""
        deadline = self.received_at + self.import_sla()
        finished = self.finished_at if self.status == self.Status.COMPLETED else None
        return (finished or now or timezone.now()) > deadline


def assignment_due_for(received_at: dt.datetime) -> dt.datetime:
    """When a placement's new cases must be assigned: N working days after receipt."""
    from collections_office.workdays import add_working_days

    return add_working_days(received_at, settings.ASSIGNMENT_SLA_WORKING_DAYS)


class PlacementStream(models.Model):
    """One of the parallel writers of a placement's import, and how far it has got.

    The import routes each row by its account number to one of N streams (N fixed
    when the import starts); each stream commits its rows in batches, in file
    order, recording the position in the file up to which its rows are done. A
    resumed import skips, for each stream, the rows up to that position. An
    account always lands in the same stream, so "the first row of an account
    wins" holds as in a single stream.
    """

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="streams")
    number = models.PositiveSmallIntegerField()
    # Data rows of the file (1 = the first row after the header), not row numbers.
    rows_done = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement", "number"], name="one_stream_number")
        ]

    def __str__(self) -> str:
        return f"placement {self.placement_id} stream {self.number}: {self.rows_done}"


class PlacementRowError(BankFileRowError):
    """A rejected row (or a warning) of a placement file, for the bank's clerk to fix."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Rejected")
        WARNING = "warning", _("Warning")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="row_errors")
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR
    )

    objects = PlacementRowErrorQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement row error")
        verbose_name_plural = _("placement row errors")
        ordering = ["placement", "row_number", "pk"]
        indexes = [models.Index(fields=["placement", "row_number"], name="placement_error_row_idx")]
