"""`seed_demo` adds a week of front-desk entries, once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from frontdesk import demo
from frontdesk.models import Document, PhoneMessage, RoutingStep, Visit
from staff import demo as staff_demo
from staff.models import Notification

pytestmark = pytest.mark.django_db


# The demo puts today's visitors on site only once the working day has begun: run it
# on a Friday afternoon in Shanghai, whatever the clock of the machine says.
@time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_seed_demo_adds_a_week_of_entries_and_a_second_run_changes_nothing():
    # What `manage.py seed_demo` does for this app: people first, then the desk's week.
    staff_demo.seed()
    demo.seed()
    counts = (Visit.objects.count(), PhoneMessage.objects.count(), Document.objects.count())
    assert all(count >= 6 for count in counts), counts
    assert Visit.objects.filter(status=Visit.Status.ON_SITE).exists()
    assert RoutingStep.objects.filter(signed_at__isnull=True).exists()
    assert RoutingStep.objects.filter(signed_at__isnull=False).exists()
    assert Document.objects.filter(confidentiality="confidential").exists()
    assert Visit.objects.first().history.exists()
    assert Notification.objects.count() == 0  # back-filled entries ping nobody

    staff_demo.seed()
    assert demo.seed() == {"visits": 0, "messages": 0, "documents": 0}
    assert (Visit.objects.count(), PhoneMessage.objects.count(), Document.objects.count()) == (
        counts
    )
