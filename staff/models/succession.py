"""Turnover early warning and succession (staffing plan 四): the thresholds of the warning
signals as data, a reserve of successors for key posts, and the handover of a leaver."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch, StaffProfile


class WarningThreshold(models.Model):
    """The threshold of one early-warning signal (HR tunes it; the list explains it)."""

    signal = models.CharField(_("signal"), max_length=40, unique=True)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2)
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"),
        default=90,
        help_text=_("How far back the signal looks."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("early-warning threshold")
        verbose_name_plural = _("early-warning thresholds")
        ordering = ["signal"]

    def __str__(self) -> str:
        return f"{self.signal}: {self.threshold}"


class KeyPostQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.succession.access import succession_visibility

        rule = succession_visibility(user)
        return self if rule is None else self.filter(rule)


class SuccessorQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.succession.access import succession_visibility

        rule = succession_visibility(user, prefix="post__")
        return self if rule is None else self.filter(rule)


class HandoverQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.succession.access import handover_visibility

        rule = handover_visibility(user)
        return self if rule is None else self.filter(rule)


class HandoverItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        from staff.succession.access import handover_visibility

        rule = handover_visibility(user, prefix="handover__")
        return self if rule is None else self.filter(rule)


class KeyPost(models.Model):
    """A post the branch cannot leave empty (a supervisor, a senior field collector …)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="key_posts", verbose_name=_("branch")
    )
    title = models.CharField(_("post"), max_length=200)
    holder = models.ForeignKey(
        StaffProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_posts_held",
        verbose_name=_("holder"),
    )
    objects = KeyPostQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key post")
        verbose_name_plural = _("key posts")
        ordering = ["branch__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "title"], name="key_post_title_per_branch")
        ]

    def __str__(self) -> str:
        return self.title


class Successor(models.Model):
    """Someone in the reserve (后备人才) who could step into a key post, and how soon."""

    class Readiness(models.TextChoices):
        READY_NOW = "ready_now", _("Ready now")
        WITHIN_YEAR = "within_year", _("Ready within a year")
        LATER = "later", _("Ready in one to two years")

    post = models.ForeignKey(
        KeyPost, on_delete=models.CASCADE, related_name="successors", verbose_name=_("key post")
    )
    profile = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="successor_for",
        verbose_name=_("successor"),
    )
    readiness = models.CharField(_("readiness"), max_length=12, choices=Readiness.choices)
    notes = models.TextField(_("development notes"), blank=True)
    objects = SuccessorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("successor")
        verbose_name_plural = _("successors")
        ordering = ["post", "readiness", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "profile"], name="successor_once_per_post")
        ]

    def __str__(self) -> str:
        return f"{self.profile.display_name} → {self.post.title}"


class Handover(models.Model):
    """The hand-over of a person who leaves to their successor, checked by a supervisor."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPLETED = "completed", _("Completed")

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("branch")
    )
    leaver = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="handovers_given",
        verbose_name=_("person leaving"),
    )
    successor = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="handovers_taken",
        verbose_name=_("successor"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_supervised",
        verbose_name=_("supervising"),
    )
    leaving_on = models.DateField(_("last working day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    objects = HandoverQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(leaver=models.F("successor")),
                name="handover_to_someone_else",
            )
        ]

    def __str__(self) -> str:
        return f"{self.leaver.display_name} → {self.successor.display_name}"


class HandoverItem(models.Model):
    """One thing handed over, confirmed by the successor and by the supervisor."""

    class Kind(models.TextChoices):
        CASES = "cases", _("Cases (through the case handover)")
        DOCUMENTS = "documents", _("Documents")
        KNOWLEDGE = "knowledge", _("Knowledge notes")
        TASKS = "tasks", _("Open tasks")

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("handover")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("what is handed over"))
    successor_confirmed_at = models.DateTimeField(
        _("confirmed by the successor at"), null=True, blank=True
    )
    supervisor_confirmed_at = models.DateTimeField(
        _("confirmed by the supervisor at"), null=True, blank=True
    )
    objects = HandoverItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["handover", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"

    @property
    def is_confirmed(self) -> bool:
        return bool(self.successor_confirmed_at and self.supervisor_confirmed_at)


class EarlyWarningFlagQuerySet(models.QuerySet):
    def visible_to(self, user):
        """As the early-warning list: the people of one's team, never oneself; only for
        supervisors, department heads, branch managers and HR."""
        from staff.selectors import has_role
        from staff.succession.access import EARLY_WARNING_ROLES
        from staff.training.access import team_visibility

        if not getattr(user, "is_superuser", False) and not has_role(user, *EARLY_WARNING_ROLES):
            return self.none()
        rule = team_visibility(user, prefix="profile__", include_self=False)
        return self if rule is None else self.filter(rule)


class EarlyWarningFlag(models.Model):
    """A person with at least one early-warning signal on, as the nightly reading found
    them (staff.succession.nightly). The landing dashboard's panel reads these rows instead
    of computing every signal of the whole team on each visit; the early-warning page
    still reads the signals live, with their explanations."""

    profile = models.OneToOneField(
        StaffProfile,
        on_delete=models.CASCADE,
        related_name="early_warning_flag",
        verbose_name=_("person"),
    )
    computed_on = models.DateField(_("read on"))
    # The keys of the signals that were on, in the list's order (staff.succession.signals).
    signals = models.JSONField(_("signals on"), default=list)
    signals_on = models.PositiveSmallIntegerField(_("number of signals on"))

    objects = EarlyWarningFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("early-warning flag")
        verbose_name_plural = _("early-warning flags")
        ordering = ["-signals_on", "profile__employee_number"]

    def __str__(self) -> str:
        return f"{self.profile_id}: {', '.join(self.signals)}"
