"""Report tasks: thin and safe to run twice (the services claim and lock)."""

from celery import shared_task


@shared_task(acks_late=True)
def run_report(run_id: int) -> str:
    from .services import run_execute

    return run_execute(run_id)


@shared_task(acks_late=True, expires=3600)
def run_scheduled_report(schedule_key: str) -> int | None:
    from .services import run_scheduled

    run = run_scheduled(schedule_key)
    return run.pk if run else None


@shared_task(acks_late=True, expires=240)
def refresh_rollups() -> int:
    """Today's and yesterday's rollups, and earlier days whose data changed."""
    from .rollups import refresh

    return len(refresh())
