"""The landing dashboard's "people" panel (issue 12): who shows a turnover warning, open
vacancies, training plans in progress — with links, for HR and managers.

The warnings are last night's reading (`EarlyWarningFlag`, staff.succession.nightly):
computing every signal of the team on each visit cost 0.4–0.6 s and ~44 queries on a
small team (and seconds on a large call log). The early-warning page reads them live."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from staff import roles
from staff.dashboard import panels
from staff.models import EarlyWarningFlag, TrainingPlan, Vacancy
from staff.selectors import has_role

from .access import EARLY_WARNING_ROLES
from .signals import SIGNALS

SHOWN = 5


@panels.register(
    "talent", order=95, title=gettext_lazy("Turnover early warning"), roles=EARLY_WARNING_ROLES
)
def _talent(user) -> dict | None:
    if not has_role(user, *EARLY_WARNING_ROLES):
        return None
    flags = EarlyWarningFlag.objects.visible_to(user).filter(profile__status="active")
    shown = list(
        flags.select_related("profile__user").order_by("-signals_on", "profile__employee_number")[
            :SHOWN
        ]
    )
    flagged = [
        {
            "name": flag.profile.display_name,
            "labels": [str(SIGNALS[key].label) for key in flag.signals if key in SIGNALS],
        }
        for flag in shown
    ]
    return {
        "template": "staff/succession/_dashboard_panel.html",
        "flagged": flagged,
        "flagged_count": flags.count() if len(shown) == SHOWN else len(shown),
        "read_on": max((flag.computed_on for flag in shown), default=None),
        "open_vacancies": Vacancy.objects.visible_to(user)
        .filter(status=Vacancy.Status.OPEN)
        .count()
        if has_role(user, roles.HR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD)
        else None,
        "plans_running": TrainingPlan.objects.visible_to(user)
        .filter(status=TrainingPlan.Status.APPROVED, is_onboarding=False)
        .count(),
    }
