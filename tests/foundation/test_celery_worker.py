import json
import re

import pytest
from django.core.cache import cache

from collections_office.tasks import heartbeat
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_process_runs_a_task_through_redis(celery_worker_process):
    cache.delete("worker-heartbeat")

    result = heartbeat.delay()
    stamp = result.get(timeout=30)

    # The worker process wrote to the shared Redis cache; this process reads it back.
    assert cache.get("worker-heartbeat") == stamp
    assert result.successful()


def test_the_worker_process_logs_json_lines_only(celery_worker_process):
    heartbeat.delay().get(timeout=30)

    def read_lines():
        # The worker writes its "succeeded" line after storing the result: poll for it.
        celery_worker_process.log.flush()
        celery_worker_process.log.seek(0)
        lines = celery_worker_process.log.read().splitlines()
        done = any(line.startswith("{") and "heartbeat" in line for line in lines)
        return lines if done else None

    lines = wait_for(read_lines, timeout=15, message="the worker never logged the heartbeat task")
    # Celery's own format ("[2026-11-23 15:08:49,529: INFO/MainProcess] ...") would be unmasked.
    assert not [line for line in lines if re.match(r"^\[\d{4}-\d\d-\d\d ", line)]
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(entry["message"].endswith(" ready.") for entry in entries)
    assert any("heartbeat" in entry["message"] for entry in entries)


def test_tasks_of_tests_that_do_not_ask_for_the_worker_do_not_reach_it(celery_worker_session):
    """Once started, the worker stays for the session: a later test that imports a
    placement itself must not have the worker import it too, behind its back."""
    from collections_office.celery import app

    route = app.amqp.router.route({}, heartbeat.name)
    assert route["queue"].name != celery_worker_session.queue
