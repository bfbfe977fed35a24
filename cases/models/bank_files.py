"""What every file a bank sends has (placements, repayment files): one definition.

A bank file is received (its original bytes stored unchanged with their SHA-256, a
backup copy, an optional idempotency key unique per bank), then imported in the
background: received → processing → completed / failed, with counts and a progress
percentage. Its rejected rows name the row, the column and what is wrong.

The abstract models hold the fields and rules that are the same; each kind keeps what
differs (its bank, agreement and API key relations, where its originals are stored, its
own counts, its constraints' names). `cases.services.bank_files` receives them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BankFileQuerySet(models.QuerySet):
    """Scoping is each kind's own (`visible_to`); these read the same for every kind."""

    def of_bank(self, bank):
        """What a bank's API key may see: its own files."""
        return self.filter(bank=bank)

    def in_flight(self):
        return self.filter(status__in=self.model.IN_FLIGHT)


def bank_file_constraints(prefix: str) -> list[models.BaseConstraint]:
    """A bank file's rules in the schema, named after its kind: the same file once per
    bank, an idempotency key once per bank, the progress never past the total."""
    return [
        models.UniqueConstraint(fields=["bank", "sha256"], name=f"{prefix}_file_once_per_bank"),
        models.UniqueConstraint(
            fields=["bank", "idempotency_key"],
            condition=~Q(idempotency_key=""),
            name=f"{prefix}_idempotency_key_per_bank",
        ),
        models.CheckConstraint(
            condition=Q(rows_done__lte=models.F("rows_total")) | Q(rows_total=0),
            name=f"{prefix}_progress_within_total",
        ),
    ]


class BankFile(models.Model):
    """A file a bank sent, and the state of its import (each kind adds `bank`, `agreement`,
    `api_key`, `original_file` and its Meta with `bank_file_constraints`)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Processing")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    backup_path = models.CharField(_("backup copy"), max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size_bytes = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # '' = none given; unique per bank when given.
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by (staff)"),
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure_reason = models.TextField(_("failure reason"), blank=True)

    class Meta:
        abstract = True

    IN_FLIGHT = (Status.RECEIVED, Status.PROCESSING)

    @property
    def is_in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    @property
    def progress(self) -> int:
        """Percentage of rows processed (0–100); a completed file is 100."""
        if self.status == self.Status.COMPLETED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class BankFileRowError(models.Model):
    """A rejected row of a bank file, for the bank's clerk to fix."""

    row_number = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=80, blank=True)
    message = models.CharField(_("message"), max_length=500)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"row {self.row_number} {self.column}: {self.message}"
