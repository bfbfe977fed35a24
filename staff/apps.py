from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the demo-data check
        from .roles import sync_role_permissions

        # Permissions of every app exist only after its migrations ran, so the
        # role → permission table is applied after each migrate (idempotent).
        post_migrate.connect(sync_role_permissions, dispatch_uid="staff.sync_role_permissions")
