"""The landing dashboard's "people" panel (issue 12): who shows a turnover warning, open
vacancies, training plans in progress — with links, for HR and managers."""

from __future__ import annotations

from django.utils import timezone

from staff import roles
from staff.dashboard import panels
from staff.models import TrainingPlan, Vacancy
from staff.selectors import has_role

from .access import EARLY_WARNING_ROLES
from .selectors import early_warning_list


@panels.register("talent", order=95)
def _talent(user) -> dict | None:
    if not has_role(user, *EARLY_WARNING_ROLES):
        return None
    flagged = early_warning_list(user=user, today=timezone.localdate())
    return {
        "template": "staff/succession/_dashboard_panel.html",
        "flagged": flagged[:5],
        "flagged_count": len(flagged),
        "open_vacancies": Vacancy.objects.visible_to(user)
        .filter(status=Vacancy.Status.OPEN)
        .count()
        if has_role(user, roles.HR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD)
        else None,
        "plans_running": TrainingPlan.objects.visible_to(user)
        .filter(status=TrainingPlan.Status.APPROVED, is_onboarding=False)
        .count(),
    }
