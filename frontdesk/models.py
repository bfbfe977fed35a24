"""The front desk's registers: visitors, phone messages, documents and their routing.

Registers are evidence: rows are never deleted. A wrong entry is voided with a
reason (and a new one made); every change is kept by django-simple-history
with who and when. Times are stored in UTC and shown in the company's zone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collections_office.personal_data import EncryptedTextField, KeyedHashField, mask_id_number

from .validators import normalise_id_number, normalise_phone, validate_phone


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> VisitQuerySet:
        """The visits `user` may see (see `frontdesk.access.visit_visibility`)."""
        from .access import visit_visibility

        return _restrict(self, visit_visibility(user))


class PhoneMessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> PhoneMessageQuerySet:
        """The messages `user` may see (see `frontdesk.access.message_visibility`)."""
        from .access import message_visibility

        return _restrict(self, message_visibility(user))


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> DocumentQuerySet:
        """The documents `user` may see; confidential ones: recipients and the desk."""
        from .access import document_visibility

        return _restrict(self, document_visibility(user))


class DocumentRowQuerySet(models.QuerySet):
    """Rows of a document (steps, scans, records) are visible exactly when it is."""

    def visible_to(self, user):
        from .access import document_visibility

        return _restrict(self, document_visibility(user, prefix="document__"))


def _restrict(queryset, condition):
    return queryset if condition is None else queryset.filter(condition)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very_urgent", _("Very urgent")


class Visit(models.Model):
    """One visitor's visit to a branch: expected (pre-registered), on site, or gone."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        ON_SITE = "on_site", _("In the building")
        LEFT = "left", _("Left")
        VOID = "void", _("Void")

    class IdDocumentType(models.TextChoices):
        NONE = "", _("None held")
        RESIDENT_ID = "resident_id", _("Resident ID card")
        PASSPORT = "passport", _("Passport")
        HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland travel permit (HK/Macao/Taiwan)")
        OTHER = "other", _("Other")

    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ON_SITE
    )
    visitor_name = models.CharField(_("visitor name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"), max_length=32, blank=True, validators=[validate_phone], db_index=True
    )
    purpose = models.CharField(_("purpose"), max_length=255)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hosted_visits",
        verbose_name=_("visiting"),
    )
    host_department = models.ForeignKey(
        "staff.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    expected_at = models.DateTimeField(_("expected at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True, db_index=True)
    departed_at = models.DateTimeField(_("left at"), null=True, blank=True)
    id_document_type = models.CharField(
        _("ID document"), max_length=20, choices=IdDocumentType.choices, blank=True
    )
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = KeyedHashField(source="id_number")
    badge_number = models.CharField(_("badge"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)
    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-arrived_at", "-expected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="on_site") | models.Q(arrived_at__isnull=False),
                name="visit_on_site_has_arrival",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="left")
                | models.Q(arrived_at__isnull=False, departed_at__isnull=False),
                name="visit_left_has_departure",
            ),
            models.CheckConstraint(
                condition=models.Q(departed_at__isnull=True)
                | models.Q(departed_at__gte=models.F("arrived_at")),
                name="visit_departs_after_arrival",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="void") | ~models.Q(void_reason=""),
                name="visit_void_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["branch", "status"], name="visit_branch_status_idx")]

    def __str__(self) -> str:
        return f"{self.visitor_name} → {self.host}"

    def clean(self) -> None:
        # Stored in one canonical form so that a returning visitor is found again.
        errors = {}
        try:
            self.phone = normalise_phone(self.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        try:
            self.id_number = normalise_id_number(self.id_document_type, self.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        if self.status == self.Status.EXPECTED and self.expected_at is None:
            errors["expected_at"] = [_("Say when the visitor is expected.")]
        if errors:
            raise ValidationError(errors)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class PhoneMessage(models.Model):
    """A message the desk took on the phone for a person or a department."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not handled")
        HANDLED = "handled", _("Handled")
        VOID = "void", _("Void")

    class Outcome(models.TextChoices):
        MESSAGE_TAKEN = "message_taken", _("Message taken")
        TRANSFERRED = "transferred", _("Call transferred")
        NOT_REACHABLE = "not_reachable", _("Recipient not reachable, message taken")
        CALLER_WILL_CALL_BACK = "will_call_back", _("Caller will call back")

    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    caller_name = models.CharField(_("caller name"), max_length=120)
    caller_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    caller_phone = models.CharField(
        _("phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    message = models.TextField(_("message"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="phone_messages",
        verbose_name=_("for (person)"),
    )
    recipient_department = models.ForeignKey(
        "staff.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for (department)"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    outcome = models.CharField(
        _("transfer / relay outcome"),
        max_length=20,
        choices=Outcome.choices,
        default=Outcome.MESSAGE_TAKEN,
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken at"), db_index=True)
    relayed_at = models.DateTimeField(_("relayed at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_note = models.CharField(_("how it was handled"), max_length=255, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)
    objects = PhoneMessageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone message")
        verbose_name_plural = _("phone messages")
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | models.Q(recipient_department__isnull=False),
                name="phone_message_has_recipient",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="handled") | models.Q(handled_at__isnull=False),
                name="phone_message_handled_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="void") | ~models.Q(void_reason=""),
                name="phone_message_void_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "status"], name="phone_message_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.caller_name}: {self.message[:40]}"

    def clean(self) -> None:
        try:
            self.caller_phone = normalise_phone(self.caller_phone)
        except ValidationError as exc:
            raise ValidationError({"caller_phone": exc.messages}) from exc
        if self.recipient_id is None and self.recipient_department_id is None:
            raise ValidationError(
                {"recipient": _("Choose the person or the department the message is for.")}
            )

    @property
    def recipient_label(self) -> str:
        if self.recipient_id:
            return self.recipient.get_full_name() or self.recipient.username
        return str(self.recipient_department.name) if self.recipient_department_id else ""


class Document(models.Model):
    """An entry of the document register (收發文登記): incoming, outgoing or internal."""

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("Incoming (external)")
        OUTGOING = "outgoing", _("Outgoing")
        INTERNAL = "internal", _("Internal")

    class Confidentiality(models.TextChoices):
        NORMAL = "normal", _("Normal")
        CONFIDENTIAL = "confidential", _("Confidential")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ROUTED = "routed", _("Routed, awaiting sign-off")
        IN_PROGRESS = "in_progress", _("Signed for, in progress")
        REPLIED = "replied", _("Replied / processed")
        CLOSED = "closed", _("Closed")
        VOID = "void", _("Void")

    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    register_number = models.CharField(_("register no."), max_length=30, unique=True)
    direction = models.CharField(
        _("kind"), max_length=10, choices=Direction.choices, default=Direction.INCOMING
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    title = models.CharField(_("title"), max_length=255)
    reference_number = models.CharField(_("reference no. (文號)"), max_length=100, blank=True)
    sender = models.CharField(_("sender"), max_length=200)
    receiving_unit = models.CharField(_("receiving unit"), max_length=200)
    document_date = models.DateField(_("date received / sent"))
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    reply_required = models.BooleanField(_("reply needed"), default=False)
    reply_due = models.DateField(_("reply due by"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)
    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_required=False) | models.Q(reply_due__isnull=False),
                name="document_reply_needs_due_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="void") | ~models.Q(void_reason=""),
                name="document_void_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["branch", "status"], name="document_branch_status_idx")]

    def __str__(self) -> str:
        return f"{self.register_number} {self.title}"

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality == self.Confidentiality.CONFIDENTIAL

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.VOID)


class DocumentAttachment(models.Model):
    """A scanned file of a document; stored under a random name, encrypted if confidential."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("document")
    )
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored as"), max_length=255, unique=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    encrypted = models.BooleanField(_("encrypted on disk"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # A wrong scan is voided, not deleted: the file stays (encrypted if it was), the
    # history keeps the row, and the pages and the download no longer offer it.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)
    objects = DocumentRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                | (
                    models.Q(voided_at__isnull=False, voided_by__isnull=False)
                    & ~models.Q(void_reason="")
                ),
                name="attachment_void_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class RoutingStep(models.Model):
    """One hand-over of a document to a person, who signs for it in the system."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="steps", verbose_name=_("document")
    )
    sequence = models.PositiveSmallIntegerField(_("step"))
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("routed by"),
    )
    routed_at = models.DateTimeField(_("routed at"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="document_steps",
        verbose_name=_("routed to"),
    )
    recipient_department = models.ForeignKey(
        "staff.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    instructions = models.CharField(_("instructions"), max_length=255, blank=True)
    sign_due_at = models.DateTimeField(_("sign by"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    objects = DocumentRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("routing step")
        verbose_name_plural = _("routing steps")
        ordering = ["document", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "sequence"], name="routing_step_sequence_per_document"
            ),
            # Only the person it was routed to signs for it.
            models.CheckConstraint(
                condition=models.Q(signed_by__isnull=True)
                | models.Q(signed_by=models.F("recipient")),
                name="routing_step_signed_by_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_by__isnull=True, signed_at__isnull=True)
                | models.Q(signed_by__isnull=False, signed_at__isnull=False),
                name="routing_step_signature_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.register_number} #{self.sequence} → {self.recipient}"


class DocumentRecord(models.Model):
    """A reply or processing record (回復/處理登記) on a document."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        PROCESSING = "processing", _("Processing")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="records", verbose_name=_("document")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REPLY)
    content = models.TextField(_("content"))
    result = models.CharField(_("result"), max_length=255, blank=True)
    record_date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    objects = DocumentRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply / processing record")
        verbose_name_plural = _("reply / processing records")
        ordering = ["record_date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_date}"


class DocumentReminder(models.Model):
    """A follow-up reminder that was sent: at most one per item, person and day."""

    class Kind(models.TextChoices):
        SIGN_OVERDUE = "sign_overdue", _("Not signed for within one working day")
        REPLY_OVERDUE = "reply_overdue", _("Reply past its due date")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("document")
    )
    step = models.ForeignKey(
        RoutingStep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("routing step"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reminded"),
    )
    reminded_on = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document reminder")
        verbose_name_plural = _("document reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "recipient", "reminded_on"],
                name="document_reminder_once_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.kind} {self.reminded_on}"
