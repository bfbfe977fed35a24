"""Forms of the assessment pages: shape only; the rules are in the services."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staff.models import AssessmentKind, AssessmentTemplate

DECIMAL_ATTRS = {"class": "form-control form-control-sm", "step": "0.01"}


class TemplateCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=AssessmentKind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )


class TemplateWeightsForm(forms.Form):
    """The year's weights, targets and outcome numbers; one field per section and item."""

    scale_max = forms.IntegerField(
        label=gettext_lazy("Highest score"),
        min_value=2,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    reward_top_count = forms.IntegerField(
        label=gettext_lazy("Reward: top N"),
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    training_bottom_count = forms.IntegerField(
        label=gettext_lazy("Training plan: bottom M"),
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    promotion_threshold = forms.DecimalField(
        label=gettext_lazy("Promotion eligible from total"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        widget=forms.NumberInput(attrs=DECIMAL_ATTRS),
    )

    def __init__(self, *args, template: AssessmentTemplate, editable: bool = True, **kwargs):
        initial = {
            "scale_max": template.scale_max,
            "reward_top_count": template.reward_top_count,
            "training_bottom_count": template.training_bottom_count,
            "promotion_threshold": template.promotion_threshold,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.sections = []
        for section in template.sections.prefetch_related("items"):
            self.fields[f"section_{section.pk}"] = self._percent(section.weight, section.name)
            rows = []
            for item in section.items.all():
                self.fields[f"item_{item.pk}"] = self._percent(item.weight, item.name)
                if item.is_computed:
                    self.fields[f"target_{item.pk}"] = forms.DecimalField(
                        label=_("Target / points per unit"),
                        initial=item.target.normalize() if item.target else None,
                        min_value=Decimal("0.0001"),
                        decimal_places=4,
                        widget=forms.NumberInput(attrs={**DECIMAL_ATTRS, "step": "any"}),
                    )
                rows.append(item)
            self.sections.append((section, rows))
        if not editable:
            for field in self.fields.values():
                field.disabled = True

    def layout(self):
        """[(section, its weight field, [(item, weight field, target field or None)])]."""
        return [
            (
                section,
                self[f"section_{section.pk}"],
                [
                    (
                        item,
                        self[f"item_{item.pk}"],
                        self[f"target_{item.pk}"] if item.is_computed else None,
                    )
                    for item in items
                ],
            )
            for section, items in self.sections
        ]

    @staticmethod
    def _percent(initial, name):
        return forms.DecimalField(
            label=_(name),
            initial=initial,
            min_value=Decimal("0"),
            max_value=Decimal("100"),
            decimal_places=2,
            widget=forms.NumberInput(attrs=DECIMAL_ATTRS),
        )

    def weights(self):
        data = self.cleaned_data
        sections = {int(k.split("_")[1]): v for k, v in data.items() if k.startswith("section_")}
        items = {int(k.split("_")[1]): v for k, v in data.items() if k.startswith("item_")}
        targets = {int(k.split("_")[1]): v for k, v in data.items() if k.startswith("target_")}
        settings = {
            name: data[name]
            for name in (
                "scale_max",
                "reward_top_count",
                "training_bottom_count",
                "promotion_threshold",
            )
        }
        return sections, items, targets, settings


def period_choices(template: AssessmentTemplate) -> list[tuple[str, str]]:
    """The periods a template's kind is assessed over, in its year."""
    year = template.year
    if template.kind == AssessmentKind.MANAGER_MONTHLY:
        return [(f"m{m:02d}", f"{year}-{m:02d}") for m in range(1, 13)]
    if template.kind == AssessmentKind.MANAGER_QUARTERLY:
        return [(f"q{q}", f"{year} Q{q}") for q in range(1, 5)]
    return [("year", str(year))]


def period_dates(template: AssessmentTemplate, period: str) -> tuple[dt.date, dt.date, str]:
    year = template.year
    label = dict(period_choices(template))[period]
    if period.startswith("m"):
        month = int(period[1:])
        return (
            dt.date(year, month, 1),
            dt.date(year, month, calendar.monthrange(year, month)[1]),
            label,
        )
    if period.startswith("q"):
        quarter = int(period[1:])
        first = 3 * quarter - 2
        last = first + 2
        return (
            dt.date(year, first, 1),
            dt.date(year, last, calendar.monthrange(year, last)[1]),
            label,
        )
    return dt.date(year, 1, 1), dt.date(year, 12, 31), label


class RoundCreateForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, template: AssessmentTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(template)


class ScoreForm(forms.Form):
    """A reviewer's scores: one score and comment per scored item."""

    def __init__(self, *args, results, scale_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for result in results:
            if result.item.is_computed:
                continue
            self.fields[f"score_{result.item_id}"] = forms.DecimalField(
                label=_(result.item.name),
                required=False,
                initial=result.score,
                decimal_places=2,
                widget=forms.NumberInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "step": "0.5",
                        "min": "1",
                        "max": str(scale_max),
                    }
                ),
            )
            self.fields[f"comment_{result.item_id}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                initial=result.comment,
                max_length=2000,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.rows.append(
                (result, self[f"score_{result.item_id}"], self[f"comment_{result.item_id}"])
            )

    def scores(self):
        """[(item id, score, comment)] for the items given a score."""
        return [
            (
                result.item_id,
                self.cleaned_data[f"score_{result.item_id}"],
                self.cleaned_data[f"comment_{result.item_id}"],
            )
            for result, _score, _comment in self.rows
            if self.cleaned_data.get(f"score_{result.item_id}") is not None
        ]
