"""A registry of dashboard panels, so each area of an app adds its own panel from its
own module instead of every area editing one shared function.

A panel function takes the user and returns the panel's context (a dict with a
"template" key) or None when it has nothing for that user (wrong role, nothing to show).
Panels are shown in `order`, then in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PanelFunction = Callable[[object], dict | None]


@dataclass(frozen=True)
class _Panel:
    key: str
    order: int
    function: PanelFunction


class PanelRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, _Panel] = {}

    def register(self, key: str, *, order: int = 100):
        """Decorator: `@registry.register("visits-overdue", order=40)`; the key is unique,
        so a module imported twice replaces its panel instead of showing it twice."""

        def decorate(function: PanelFunction) -> PanelFunction:
            self._panels[key] = _Panel(key=key, order=order, function=function)
            return function

        return decorate

    def panels_for(self, user) -> list[dict]:
        panels = []
        for panel in sorted(self._panels.values(), key=lambda panel: panel.order):
            context = panel.function(user)
            if context:
                panels.append(context)
        return panels
