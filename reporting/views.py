"""Reporting pages, and the landing dashboard that gathers every app's panels."""

from django.shortcuts import render

import cases.dashboard
import frontdesk.dashboard
import reporting.dashboard
import staff.dashboard

# Each app contributes the panels it owns; the order is the order on the page.
PANEL_SOURCES = [cases.dashboard, frontdesk.dashboard, staff.dashboard, reporting.dashboard]


def dashboard(request):
    panels = []
    for source in PANEL_SOURCES:
        panels.extend(source.dashboard_panels(request.user))
    return render(request, "reporting/dashboard.html", {"panels": panels})
