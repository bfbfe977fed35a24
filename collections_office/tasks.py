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
