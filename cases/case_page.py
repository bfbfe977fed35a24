"""Panels of the case page: each area of the workflow adds its own (calls, holds …).

A panel is a template plus a function that gives it its context for one case and
one viewer. The case page renders every registered panel in `order`, in its
column, so calls, assignment, compliance and (later) promises, payments and visits
each bring their panel without editing the case page view or its template.

A panel's context function runs on every case page view: keep it to one or two
indexed queries (the case page's query count is tested constant in the rows).
Returning None hides the panel for this viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CasePanel:
    key: str
    template: str
    order: int
    column: str  # "main" (wide, left) or "side" (narrow, right)
    context: Callable  # (request, case) -> dict | None


_PANELS: dict[str, CasePanel] = {}


def case_panel(key: str, *, template: str, order: int = 100, column: str = "main"):
    """Registers the decorated `context(request, case)` function as a panel of the case page."""

    def register(function: Callable) -> Callable:
        _PANELS[key] = CasePanel(key, template, order, column, function)
        return function

    return register


def panels_for(request, case) -> dict[str, list[dict]]:
    """{"main": [...], "side": [...]}: each item {"key", "template", "context"} in order."""
    columns: dict[str, list[dict]] = {"main": [], "side": []}
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, case)
        if context is None:
            continue
        columns.setdefault(panel.column, []).append(
            {"key": panel.key, "template": panel.template, "context": context}
        )
    return columns
