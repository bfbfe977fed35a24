"""A registry of dashboard panels, so each area of an app adds its own panel from its
own module instead of every area editing one shared function.

A panel function takes the user and returns the panel's context (a dict with a
"template" key) or None when it has nothing for that user (wrong role, nothing to show).
Panels are shown in `order`, then in the order they were registered.

The landing page does not run the panels: it draws a placeholder for each panel the
user's roles can have (`LandingPanels.placeholders`) and the browser asks for each one at
its own URL (`LandingPanels.panel`), so the page and every panel answer on their own
instead of the page waiting for the sum of them (issue 13, docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

PanelFunction = Callable[[object], dict | None]


@dataclass(frozen=True)
class _Panel:
    key: str
    order: int
    function: PanelFunction
    # Shown while the panel loads and in its error ("My week so far could not be loaded").
    title: str
    # The roles that may have the panel (None: anyone signed in). Only decides whether the
    # page draws a placeholder and whether the panel's URL answers: the function still
    # applies its own rule and may return None.
    roles: tuple[str, ...] | None
    # A finer rule than roles, as cheap (no query of its own): the placeholder of a panel
    # that would answer empty for everyone it excludes is a request for nothing.
    shown_to: Callable[[object], bool] | None = None

    def may_show(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if self.roles is not None and not _has_role(user, *self.roles):
            return False
        return self.shown_to is None or bool(self.shown_to(user))


def _has_role(user, *roles: str) -> bool:
    """The project's role rule, the function settings.PANEL_ROLE_CHECK names: this module
    imports no app (tests/foundation/test_project_imports_no_app.py)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return import_string(settings.PANEL_ROLE_CHECK)(user, *roles)


class PanelRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, _Panel] = {}

    def register(
        self,
        key: str,
        *,
        order: int = 100,
        title: str = "",
        roles: Iterable[str] | None = None,
        shown_to: Callable[[object], bool] | None = None,
    ):
        """Decorator: `@registry.register("visits-overdue", order=40, title=_("…"),
        roles=(roles.SUPERVISOR,))`; the key is unique, so a module imported twice replaces
        its panel instead of showing it twice. `roles` (and `shown_to`, a cheap
        predicate of the user) must admit everyone the function shows the panel to: the
        others never get it (tests/reporting/test_dashboard_fragments.py checks)."""

        def decorate(function: PanelFunction) -> PanelFunction:
            self._panels[key] = _Panel(
                key=key,
                order=order,
                function=function,
                title=title,
                roles=tuple(roles) if roles is not None else None,
                shown_to=shown_to,
            )
            return function

        return decorate

    def entries(self) -> list[_Panel]:
        return sorted(self._panels.values(), key=lambda panel: panel.order)

    def panels_for(self, user) -> list[dict]:
        """Every panel's context at once (tests and the bench; the page loads them apart)."""
        panels = []
        for panel in self.entries():
            context = panel.function(user) if panel.may_show(user) else None
            if context:
                panels.append(context)
        return panels


class LandingPanels:
    """The landing page's panels: the apps' registries in page order, one key space."""

    def __init__(self, *registries: PanelRegistry) -> None:
        self._registries = registries

    def entries(self) -> list[_Panel]:
        entries = [entry for registry in self._registries for entry in registry.entries()]
        keys = [entry.key for entry in entries]
        # One URL per key: two apps must not register the same one.
        assert len(keys) == len(set(keys)), f"panel keys registered twice: {keys}"
        return entries

    def placeholders(self, user) -> list[_Panel]:
        """The panels the user's roles can have, in page order (no panel is run)."""
        return [entry for entry in self.entries() if entry.may_show(user)]

    def panel(self, key: str, user) -> tuple[_Panel, dict | None]:
        """The panel `key` run for `user`: (entry, context or None when it has nothing
        for them). LookupError when there is no such panel or the user's roles cannot
        have it (the view answers 404 for both: the key says nothing about others)."""
        for entry in self.entries():
            if entry.key == key and entry.may_show(user):
                return entry, entry.function(user) or None
        raise LookupError(key)
