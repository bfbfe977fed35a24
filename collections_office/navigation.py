"""The top navigation: links grouped into a few menus by area, each app registering its
own links in its `navigation.py` (found the way the admin finds `admin.py`), so adding a
page never means editing one shared template, and the bar stays one line however many
areas there are.

A link says which menu it belongs to, which URL it opens and who sees it (a predicate on
the viewer: the roles they hold, their staff profile, the user). Menus nobody can open
are left out; a menu keeps the order its links were given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the bar: what the navigation context processor already knows."""

    user: object
    roles: frozenset[str]
    profile: object | None

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False))


Shown = Callable[[Viewer], bool]


def to_roles(*roles: str) -> Shown:
    """Shown to holders of any of these roles (a superuser holds them all)."""
    wanted = frozenset(roles)
    return lambda viewer: bool(viewer.roles & wanted)


def to_role_holders(viewer: Viewer) -> bool:
    """Shown to anyone with a role, and to a superuser."""
    return bool(viewer.roles) or viewer.is_superuser


def to_staff_members(viewer: Viewer) -> bool:
    """Shown to anyone with a staff profile (their own attendance, requests…)."""
    return viewer.profile is not None


@dataclass(frozen=True)
class Menu:
    key: str
    label: str
    icon: str


# The menus, in the bar's order. An app that needs a new area adds it here.
MENUS: tuple[Menu, ...] = (
    Menu("work", pgettext_lazy("navigation menu", "Work"), "bi-list-check"),
    Menu("money", pgettext_lazy("navigation menu", "Money"), "bi-cash-coin"),
    Menu("reports", pgettext_lazy("navigation menu", "Reports"), "bi-bar-chart"),
    Menu("desk", pgettext_lazy("navigation menu", "Desk"), "bi-door-open"),
    Menu("people", pgettext_lazy("navigation menu", "People"), "bi-people"),
    Menu("admin", pgettext_lazy("navigation menu", "Admin"), "bi-gear"),
)
MENU_KEYS = frozenset(menu.key for menu in MENUS)


@dataclass(frozen=True)
class NavLink:
    """One link of the bar. `key` is the element's id (tests and people click it)."""

    key: str
    menu: str
    label: str
    url_name: str
    shown_to: Shown = field(compare=False)
    order: int = 100


@dataclass
class _MenuEntry:
    menu: Menu
    links: list[dict]
    active: bool = False


class NavigationRegistry:
    def __init__(self) -> None:
        self._links: dict[str, NavLink] = {}
        self._discovered = False

    def register(self, *links: NavLink) -> None:
        for link in links:
            if link.menu not in MENU_KEYS:
                raise ValueError(f"navigation link {link.key}: unknown menu {link.menu!r}")
            # Keyed by id: a module imported twice replaces its links, never doubles them.
            self._links[link.key] = link

    def links(self) -> list[NavLink]:
        if not self._discovered:
            # Flag after importing: a second thread meanwhile imports too (a no-op under
            # the import lock) rather than reading a half-filled registry.
            autodiscover_modules("navigation")
            self._discovered = True
        return sorted(self._links.values(), key=lambda link: link.order)

    def menus_for(self, viewer: Viewer, *, path: str = "") -> list[_MenuEntry]:
        """The viewer's menus with their links; the link whose URL is the longest
        prefix of `path` (and its menu) is marked active."""
        shown = [
            {"key": link.key, "menu": link.menu, "label": link.label, "url": reverse(link.url_name)}
            for link in self.links()
            if link.shown_to(viewer)
        ]
        current = max(
            (item for item in shown if path.startswith(item["url"]) and item["url"] != "/"),
            key=lambda item: len(item["url"]),
            default=None,
        )
        entries = []
        for menu in MENUS:
            links = [item for item in shown if item["menu"] == menu.key]
            for item in links:
                item["active"] = item is current
            if links:
                entries.append(
                    _MenuEntry(menu=menu, links=links, active=any(i["active"] for i in links))
                )
        return entries


def menus_html(entries: list[_MenuEntry]) -> SafeString:
    """The bar's menus as `<li>`s, the HTML base.html's loop over them made (a test renders
    both): ~25 links through the template were a millisecond of every page's CPU."""
    html = []
    for entry in entries:
        key = conditional_escape(entry.menu.key)
        links = "".join(
            f'\n            <li><a class="dropdown-item{" active" if link["active"] else ""}"'
            f"{' aria-current="page"' if link['active'] else ''} "
            f'href="{conditional_escape(link["url"])}" id="{conditional_escape(link["key"])}">'
            f"{conditional_escape(link['label'])}</a></li>\n            "
            for link in entry.links
        )
        html.append(
            f'\n        <li class="nav-item dropdown" data-nav-menu="{key}">\n'
            f'          <button class="nav-link dropdown-toggle{" active" if entry.active else ""}"'
            f' type="button" id="nav-menu-{key}" data-bs-toggle="dropdown"'
            f' aria-expanded="false"><i class="bi {conditional_escape(entry.menu.icon)}'
            f' nav-menu-icon" aria-hidden="true"></i> {conditional_escape(entry.menu.label)}'
            f"</button>\n"
            f'          <ul class="dropdown-menu" aria-labelledby="nav-menu-{key}">\n'
            f"            {links}\n          </ul>\n        </li>\n        "
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


registry = NavigationRegistry()

# The project's own links: the administration site (Django's is_staff, not a role).
registry.register(
    NavLink(
        key="nav-admin",
        menu="admin",
        label=_("Administration"),
        url_name="admin:index",
        shown_to=lambda viewer: bool(getattr(viewer.user, "is_staff", False)),
        order=900,
    ),
)
