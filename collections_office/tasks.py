"""Project-wide Celery tasks."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="collections_office.tasks.heartbeat")
def heartbeat() -> str:
    """Records that a worker ran a task; /healthz shows the time of the last one."""
    stamp = timezone.now().isoformat()
    cache.set("worker-heartbeat", stamp, timeout=None)
    return stamp


@shared_task(name="collections_office.tasks.resume_stalled_jobs", ignore_result=True)
def resume_stalled_jobs() -> dict[str, list[int]]:
    """Queues again the long jobs whose worker died (see collections_office.recovery)."""
    from collections_office import recovery

    return recovery.sweep()
