"""Scoping battery routes: reporting.

The rules are in tests/test_scoping_battery.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable

from staff import roles

# URL name → the kwargs that point at a foreign row.
ROUTES: dict[str, Callable] = {
    # reporting
    "reporting:result": lambda f: {"pk": f.report_result.pk},
    "reporting:run_again": lambda f: {"pk": f.report_run.pk},
    "reporting:schedule_edit": lambda f: {"pk": _schedule().pk},
    # drill-down: another branch's team, another branch's (or a colleague's) collector
    "reporting:team": lambda f: {"pk": f.staff_profile.department_id},
    "reporting:collector": lambda f: {"pk": f.collector.pk},
    # A landing-page panel is the asker's own (its function scopes it to them): its key
    # names no one's row. An unknown key is a 404 for everyone; each role's panels and
    # another branch's figures: tests/reporting/test_dashboard_fragments.py.
    "dashboard_panel": lambda f: {"key": "no-such-panel"},
}

# URL name → roles that see the foreign row by design, and why (checked: never a 500).
SHARED: dict[str, tuple[str, ...]] = {
    # One company schedule (one beat): a branch's admin staff open it read-only and are
    # told only HQ's change it (test_schedules_are_edited_by_hq_admin_staff…).
    "reporting:schedule_edit": (roles.ADMIN_STAFF,),
    # Finance reads the collector performance report company-wide (issue 13), and so
    # drills into any branch's collector (tests/reporting/test_drill.py).
    "reporting:collector": (roles.FINANCE,),
}


def _schedule():
    from reporting.models import ReportSchedule

    return ReportSchedule.objects.get_or_create(
        key="scoping", defaults={"kind": "collector_weekly"}
    )[0]
