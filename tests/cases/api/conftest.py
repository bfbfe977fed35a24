"""Fixtures of the bank API tests: an API client and one key per bank."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from .builders import issue_key


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def key_a(agreement_a):
    return issue_key(agreement_a.bank)


@pytest.fixture
def key_b(agreement_b):
    return issue_key(agreement_b.bank)


@pytest.fixture
def api_a(key_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key_a[1]}")
    return client


@pytest.fixture
def api_b(key_b):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key_b[1]}")
    return client


@pytest.fixture
def time_machine_now():
    """time_machine_now(when) moves the clock there (ticking) for the rest of the test."""
    travellers = []

    def move(when):
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in reversed(travellers):
        traveller.stop()
