"""Reading the landing page as a browser does: the frame, then each panel's fragment.

The page ("/") draws a placeholder per panel the user's roles can have; app.js (htmx)
asks each panel's URL and puts its HTML in the placeholder's place, or removes the
placeholder when the panel answers nothing. `landing_html(client)` does the same and
returns the page as the person finally sees it, so a test reads panels as before.
"""

from __future__ import annotations

import re

from django.urls import reverse

SLOT = re.compile(
    r'<div class="col-12 col-lg-6 dashboard-slot" id="slot-(?P<key>[\w-]+)".*?'
    r"<!-- /slot -->\s*</div>",
    re.S,
)


def panel_urls(page: str) -> dict[str, str]:
    """The panel key → fragment URL of every placeholder on the frame."""
    return {
        key: reverse("dashboard_panel", kwargs={"key": key})
        for key in re.findall(r'id="slot-([\w-]+)"', page)
    }


def panel_html(client, key: str) -> str:
    response = client.get(
        reverse("dashboard_panel", kwargs={"key": key}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, (key, response.status_code)
    return response.content.decode()


def landing_html(client) -> str:
    """The landing page after every panel has loaded (each fragment must answer 200)."""
    response = client.get("/")
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    return SLOT.sub(lambda match: panel_html(client, match["key"]), page)
