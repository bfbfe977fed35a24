from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from collections_office import recovery

        from . import (
            dashboard_panels,  # noqa: F401 - registers the figures panels
            kinds,  # noqa: F401 - registers the report kinds
            reconciliation,  # noqa: F401 - registers the reconciliation kind
            retention,  # noqa: F401 - the daily retention review
        )
        from .rollups import connect_signals

        connect_signals()
        from .services import stalled_run_ids

        def resume_report_run(run_id: int) -> None:
            from .tasks import run_report

            run_report.delay(run_id)

        recovery.register(
            recovery.ResumableJob(
                name="report-run", stalled=stalled_run_ids, resume=resume_report_run
            )
        )
