import pytest
from django.core.cache import cache

from collections_office.tasks import heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_process_runs_a_task_through_redis(celery_worker_process):
    cache.delete("worker-heartbeat")

    result = heartbeat.delay()
    stamp = result.get(timeout=30)

    # The worker process wrote to the shared Redis cache; this process reads it back.
    assert cache.get("worker-heartbeat") == stamp
    assert result.successful()
