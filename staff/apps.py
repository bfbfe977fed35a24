from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Modules of the staff areas that register dashboard panels, notification kinds or
# approval kinds when imported; each area adds its own here.
AREA_MODULES: list[str] = [
    "staff.promotion.dashboard",
    "staff.assessment.tasks",
    "staff.assessment.recovery",  # assessment rounds in the stalled-job sweep
    "staff.assessment.panels",
    "staff.assessment.hooks",
    # attendance, leave and overtime (issue 12)
    "staff.attendance.dashboard",
    "staff.attendance.approvals",
    "staff.succession.panels",  # issue 12: early warning, vacancies, training
    "staff.succession.signal_sources",  # issue 12: signals read from attendance/leave/assessment
    "staff.training.approval",  # issue 12: training plans in the shared approvals
]


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from importlib import import_module

        for module in AREA_MODULES:
            import_module(module)

        from . import checks  # noqa: F401 - registers the demo-data check
        from .roles import sync_role_permissions

        # Permissions of every app exist only after its migrations ran, so the
        # role → permission table is applied after each migrate (idempotent).
        post_migrate.connect(sync_role_permissions, dispatch_uid="staff.sync_role_permissions")

        from django.contrib.auth.signals import user_logged_in

        from .accounts import two_factor_note_at_login

        # Every way in (our login page, the admin's) must leave the second factor owed.
        user_logged_in.connect(two_factor_note_at_login, dispatch_uid="staff.two_factor_owed")
