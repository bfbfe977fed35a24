"""The career ladder and what a step up is judged on (DESIGN §5): the ladder's history,
the criteria of each step, what makes a case complex, monthly targets and upheld complaints.

The review itself (cycles, applications and their chain) is in `promotion`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch, Position

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 6, "decimal_places": 2}


class LevelChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own history; HR, department heads, supervisors: their branch; HQ: all."""
        from .. import roles
        from ..selectors import has_role, restrict_to_branch

        if not getattr(user, "is_authenticated", False):
            return self.none()
        own = self.filter(user=user)
        if has_role(user, roles.HR, roles.DEPARTMENT_HEAD, roles.SUPERVISOR, roles.COMMITTEE):
            return restrict_to_branch(self, user=user, branch_field="user__staff_profile__branch")
        return own


class LevelChange(models.Model):
    """One change of a person's place on the ladder: from, to, effective date, and why."""

    class Reason(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment after a promotion review")
        HR_CORRECTION = "hr_correction", _("HR correction")
        HIRED = "hired", _("Hired at this level")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="level_changes",
        verbose_name=_("person"),
    )
    from_position = models.CharField(_("from"), max_length=32, choices=Position.choices, blank=True)
    to_position = models.CharField(_("to"), max_length=32, choices=Position.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    application = models.ForeignKey(
        "staff.PromotionApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="level_changes",
        verbose_name=_("application"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LevelChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            # An appointment happens once per application, whatever re-runs the task.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(application__isnull=False),
                name="one_level_change_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.from_position} → {self.to_position} ({self.effective_on})"


class PromotionCriteria(models.Model):
    """What a step up the ladder requires (HR edits these; defaults in docs/decisions.md)."""

    from_position = models.CharField(
        _("from"), max_length=32, choices=Position.choices, unique=True
    )
    min_amount = models.DecimalField(
        _("cumulative amount collected in the cycle (CNY)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_success_rate = models.DecimalField(
        _("success rate (%)"),
        **PERCENT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    min_monthly_completion = models.DecimalField(
        _("monthly task completion, every month (%)"),
        **PERCENT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    min_complex_cases = models.PositiveIntegerField(_("complex cases handled"), default=0)
    min_campaigns_led = models.PositiveIntegerField(_("campaigns led"), default=0)
    min_months_at_level = models.PositiveIntegerField(
        _("minimum months at the current level"), default=0
    )
    capability_requirements = models.TextField(_("capability requirements"), blank=True)
    attitude_requirements = models.TextField(_("attitude requirements"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promotion criteria")
        verbose_name_plural = _("promotion criteria")
        ordering = ["from_position"]

    def __str__(self) -> str:
        return str(self.get_from_position_display())


class ComplexCaseDefinition(models.Model):
    """What makes a case "complex" for the mid → senior step (one row, HR edits it).

    A case counts when any one condition holds: its balance, how long it was overdue
    when placed, or the debtor's classification.
    """

    min_balance = models.DecimalField(
        _("balance from (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    min_days_overdue = models.PositiveIntegerField(_("overdue for at least (days)"))
    classifications = models.JSONField(_("debtor classifications"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complex case definition")
        verbose_name_plural = _("complex case definitions")

    def __str__(self) -> str:
        return f"≥ {self.min_balance} / ≥ {self.min_days_overdue} d / {self.classifications}"


class MonthlyTargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        from ..selectors import restrict_to_branch

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return restrict_to_branch(
            self, user=user, branch_field="user__staff_profile__branch"
        ) | self.filter(user=user)


class MonthlyTarget(models.Model):
    """The amount a collector is to collect in a month, set by their supervisor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="monthly_targets",
        verbose_name=_("collector"),
    )
    month = models.DateField(_("month"))
    amount = models.DecimalField(
        _("target (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    history = HistoricalRecords()

    objects = MonthlyTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly target")
        verbose_name_plural = _("monthly targets")
        ordering = ["-month", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="one_target_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="target_month_first_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="target_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.month:%Y-%m}: {self.amount}"


class UpheldComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .. import roles
        from ..selectors import has_role, restrict_to_branch

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if has_role(user, roles.HR):
            return restrict_to_branch(self, user=user)
        return self.filter(subject=user)


class UpheldComplaint(models.Model):
    """A complaint against a staff member that was investigated and upheld (HR records it).

    The product has no complaints handling yet; this is the staff-side record the
    promotion gate reads: an upheld complaint in the cycle blocks an application.
    """

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="upheld_complaints",
        verbose_name=_("staff member"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    upheld_on = models.DateField(_("upheld on"))
    summary = models.TextField(_("what the complaint was"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = UpheldComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("upheld complaint")
        verbose_name_plural = _("upheld complaints")
        ordering = ["-upheld_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} {self.upheld_on}"
