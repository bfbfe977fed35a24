"""Call quality reviews: a supervisor listens to a call and scores it against the
company's checklist (items and weights); a low score may be confirmed as a
compliance violation (issue 10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Each checklist item is scored 0 (not done) … ITEM_SCALE (fully done); the review's
# score is the weighted sum, 0–100 (the weights of the items in use add up to 100).
ITEM_SCALE = 4
WEIGHT_TOTAL = 100


class QualityChecklistItem(models.Model):
    """One point a reviewer checks on a call, with its weight in the score."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=200)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality checklist item")
        verbose_name_plural = _("quality checklist items")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__lte=100), name="checklist_weight_max_100"),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if self.label_zh and (get_language() or "").startswith("zh"):
            return self.label_zh
        return self.label


class CallQualityReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and branch managers: reviews of their branch's calls (HQ all);
        a collector: the reviews of their own calls."""
        from cases.access import quality_review_visibility, restrict

        return restrict(self, quality_review_visibility(user))


class CallQualityReview(models.Model):
    """A supervisor's score of one call against the checklist (one review per call)."""

    call = models.ForeignKey(
        "cases.CallLog",
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("call"),
    )
    # The call's collector and case, kept on the review for the monthly tables.
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("collector"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), db_index=True)
    confirmed_violation = models.ForeignKey(
        "cases.ComplianceViolation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed violation"),
    )
    history = HistoricalRecords()

    objects = CallQualityReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("call quality review")
        verbose_name_plural = _("call quality reviews")
        ordering = ["-reviewed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["call"], name="one_quality_review_per_call"),
            models.CheckConstraint(condition=Q(score__lte=100), name="quality_score_max_100"),
        ]
        indexes = [
            models.Index(fields=["collector", "-reviewed_at"], name="quality_collector_idx"),
        ]

    def __str__(self) -> str:
        return f"review of call {self.call_id}: {self.score}"


class CallQualityMarkQuerySet(models.QuerySet):
    def visible_to(self, user):
        from cases.access import quality_review_visibility, restrict

        return restrict(self, quality_review_visibility(user, prefix="review__"))


class CallQualityMark(models.Model):
    """The mark one checklist item got in a review, with the item's weight at the time
    (so changing the checklist later does not change past scores)."""

    review = models.ForeignKey(
        CallQualityReview, on_delete=models.CASCADE, related_name="marks", verbose_name=_("review")
    )
    item = models.ForeignKey(
        QualityChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    weight = models.PositiveSmallIntegerField(_("weight"))
    mark = models.PositiveSmallIntegerField(_("mark"))

    objects = CallQualityMarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality mark")
        verbose_name_plural = _("quality marks")
        ordering = ["review_id", "item__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="one_mark_per_item"),
            models.CheckConstraint(condition=Q(mark__lte=ITEM_SCALE), name="quality_mark_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.mark}"
