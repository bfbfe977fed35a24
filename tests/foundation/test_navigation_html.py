"""The navigation bar's menus made in Python (navigation.menus_html, the `nav_menus` tag) are
the HTML base.html's loop made, for every viewer's menus, the active link marked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.utils import translation

from collections_office.navigation import Viewer, menus_html, registry
from staff.roles import ALL_ROLES

OLD_LOOP = """{% for entry in nav_menus %}
        <li class="nav-item dropdown" data-nav-menu="{{ entry.menu.key }}">
          <button class="nav-link dropdown-toggle{% if entry.active %} active{% endif %}" type="button" id="nav-menu-{{ entry.menu.key }}" data-bs-toggle="dropdown" aria-expanded="false"><i class="bi {{ entry.menu.icon }} nav-menu-icon" aria-hidden="true"></i> {{ entry.menu.label }}</button>
          <ul class="dropdown-menu" aria-labelledby="nav-menu-{{ entry.menu.key }}">
            {% for link in entry.links %}
            <li><a class="dropdown-item{% if link.active %} active{% endif %}"{% if link.active %} aria-current="page"{% endif %} href="{{ link.url }}" id="{{ link.key }}">{{ link.label }}</a></li>
            {% endfor %}
          </ul>
        </li>
        {% endfor %}"""  # noqa: E501 (base.html's lines as they were)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("path", ["/cases/queue/", "/", "/nowhere/"])
@pytest.mark.parametrize("roles", [ALL_ROLES, ALL_ROLES[:1], ()])
def test_the_menus_are_the_html_the_template_loop_made(language, path, roles):
    viewer = Viewer(user=User(is_staff=bool(roles)), roles=frozenset(roles), profile=object())
    with translation.override(language):
        entries = registry.menus_for(viewer, path=path)
        expected = Template(OLD_LOOP).render(Context({"nav_menus": entries}))
        made = menus_html(entries)
        through_tag = Template("{% load ui %}{% nav_menus %}").render(
            Context({"nav_menus": lambda: entries})
        )
    assert made == expected == through_tag
    assert ("data-nav-menu" in made) == bool(entries)
    if path == "/cases/queue/" and roles == ALL_ROLES:
        assert 'aria-current="page"' in made
