from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Modules that register timeline sources (`cases.timeline`) and queue sources
# (`cases.selectors.queue`); each area of the workflow adds its own here.
SOURCE_MODULES: list[str] = [
    "cases.selectors.assignment",
    "cases.views.assignment",
    "cases.selectors.casepage_timeline",
    "cases.views.compliance_panel",
    "cases.selectors.queue",
    "cases.selectors.calls",
    "cases.views.calls",
    "cases.selectors.money",
    "cases.views.money",
    "cases.services.plan_approval",
    # field visits, special procedures, collection periods (issue 10)
    "cases.approvals",
    "cases.selectors.visits",
    "cases.selectors.procedures",
    "cases.views.visits",
    "cases.views.procedures",
    "cases.dashboard_visits",
    "cases.views.reports",
]


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from importlib import import_module

        from . import checks  # noqa: F401 - registers the demo-key check

        for module in SOURCE_MODULES:
            import_module(module)

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

        from cases.intake.repayments import stalled_repayment_file_ids

        def resume_repayment_import(repayment_file_id: int) -> None:
            from cases.tasks import repayment_import_task

            repayment_import_task.delay(repayment_file_id)

        recovery.register(
            recovery.ResumableJob(
                name="repayment-import",
                stalled=stalled_repayment_file_ids,
                resume=resume_repayment_import,
            )
        )
