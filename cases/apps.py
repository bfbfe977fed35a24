from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases.intake.engine import stalled_placement_ids
        from collections_office import recovery

        def resume_placement_import(placement_id: int) -> None:
            from cases.tasks import placement_import_task

            placement_import_task.delay(placement_id)

        recovery.register(
            recovery.ResumableJob(
                name="placement-import",
                stalled=stalled_placement_ids,
                resume=resume_placement_import,
            )
        )
