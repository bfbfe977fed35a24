"""The landing dashboard: a frame with a placeholder per panel the user's roles can have,
and each panel at its own URL, fetched by the page in parallel (docs/decisions.md,
"Landing page in fragments")."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

import cases.dashboard
import frontdesk.dashboard
import reporting.dashboard
import staff.dashboard
from collections_office.panels import LandingPanels

# Each app contributes the panels it owns; the order is the order on the page.
PANEL_SOURCES = [cases.dashboard, frontdesk.dashboard, staff.dashboard, reporting.dashboard]
LANDING = LandingPanels(*(source.panels for source in PANEL_SOURCES))


@require_safe
def dashboard(request):
    return render(
        request, "reporting/dashboard.html", {"slots": LANDING.placeholders(request.user)}
    )


@require_safe
def dashboard_panel(request, key: str):
    """One panel of the landing page, run for the signed-in user by the panel's own
    function (which scopes it). Asked by the page (htmx): the panel's HTML alone, or
    nothing (an empty 200, which removes the placeholder) when it has nothing for them.
    Opened directly (the page's <noscript> links): the panel on a page of its own."""
    try:
        entry, context = LANDING.panel(key, request.user)
    except LookupError:
        raise Http404("no such panel") from None
    if request.headers.get("HX-Request"):
        if context is None:
            response = HttpResponse("")
        else:
            response = render(request, context["template"], {"panel": context})
    else:
        response = render(
            request,
            "reporting/dashboard_panel_page.html",
            {"entry": entry, "panel": context},
        )
    # The figures are the user's and change by the minute: never from a shared cache.
    patch_vary_headers(response, ["HX-Request"])
    patch_cache_control(response, private=True, no_store=True)
    return response
