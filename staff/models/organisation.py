"""People and the company: branches, departments, staff and the career ladder."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BranchScopedQuerySet(models.QuerySet):
    """Rows that belong to a branch: HQ (and superusers) see all, others their own branch."""

    def visible_to(self, user):
        from staff.selectors import restrict_to_branch

        return restrict_to_branch(self, user=user)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own notifications; nobody reads another's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)


class Branch(models.Model):
    """A branch office (分公司); exactly one is headquarters (總公司), which sees all."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    is_hq = models.BooleanField(_("headquarters"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["-is_hq", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_hq"], condition=models.Q(is_hq=True), name="one_headquarters_branch"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department inside a branch (collections, HR, finance, front office …)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="departments", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=120)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("head"),
    )
    objects = BranchScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["branch__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="department_name_per_branch")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.branch.code})"


class Position(models.TextChoices):
    """The collectors' career ladder (DESIGN §5), plus staff outside it."""

    JUNIOR_COLLECTOR = "junior_collector", _("Junior collector")
    MID_COLLECTOR = "mid_collector", _("Mid collector")
    SENIOR_COLLECTOR = "senior_collector", _("Senior collector")
    COLLECTION_SUPERVISOR = "collection_supervisor", _("Collection supervisor")
    COLLECTION_MANAGER = "collection_manager", _("Collection manager")
    OTHER = "other", _("Other staff (not on the collector ladder)")


CAREER_LADDER = [
    Position.JUNIOR_COLLECTOR,
    Position.MID_COLLECTOR,
    Position.SENIOR_COLLECTOR,
    Position.COLLECTION_SUPERVISOR,
    Position.COLLECTION_MANAGER,
]


def next_position(position: str) -> str | None:
    """One step up the ladder, or None at the top / off the ladder. No skipping."""
    if position not in CAREER_LADDER:
        return None
    index = CAREER_LADDER.index(position)
    return CAREER_LADDER[index + 1] if index + 1 < len(CAREER_LADDER) else None


class StaffProfile(models.Model):
    """An employee of the agency: their branch, department and place on the ladder."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    employee_number = models.CharField(_("employee number"), max_length=20, unique=True)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="staff", verbose_name=_("branch")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("department"),
    )
    position = models.CharField(
        _("position"), max_length=32, choices=Position.choices, default=Position.OTHER
    )
    hire_date = models.DateField(_("hire date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    objects = BranchScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["employee_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", left_on__isnull=True)
                | models.Q(status="left", left_on__isnull=False),
                name="left_on_set_exactly_when_left",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.employee_number})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username


class WorkdayOverride(models.Model):
    """A day whose working status HR sets by hand (a holiday the library does not know yet)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["-date"]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date}: {kind}"


class PersonalDataView(models.Model):
    """A record that someone saw personal data unmasked (who, when, which object or export)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="personal_data_views",
        verbose_name=_("user"),
    )
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    # Empty for an export of a list (`records` says how many people it held).
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.CharField(_("fields shown"), max_length=255)
    path = models.CharField(_("page"), max_length=255, blank=True)
    # Bulk downloads (a bank's original file, an export): how many people's data it
    # carried. Empty for a single object's "show full".
    records = models.PositiveIntegerField(_("people in it"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="pdv_object_idx")]

    def __str__(self) -> str:
        if not self.object_id:
            return f"{self.user} exported {self.records} {self.content_type.model} rows"
        return f"{self.user} viewed {self.content_type.model} #{self.object_id}"


class Notification(models.Model):
    """An in-app message to one person (the bell in the navigation bar); any app sends them."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"


class DemoData(models.Model):
    """An object `seed_demo` made (a login, a bank, an API key): production refuses them.

    The demo password and the development keys are published (README, `make run`),
    so a demo login or key that reaches a production database is an open door.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField(_("object id"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("demo data marker")
        verbose_name_plural = _("demo data markers")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="demo_data_once")
        ]

    def __str__(self) -> str:
        return f"demo {self.content_type.model} #{self.object_id}"
