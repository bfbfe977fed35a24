"""`seed_demo` adds an open promotion cycle with an application at every stage, once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from staff import demo as staff_demo
from staff.models import PromotionApplication, PromotionCycle
from staff.promotion import demo

pytestmark = pytest.mark.django_db
Status = PromotionApplication.Status


@time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_the_demo_has_every_stage_and_a_notice_with_an_appeal():
    staff_demo.seed()
    assert demo.seed()
    statuses = set(PromotionApplication.objects.values_list("status", flat=True))
    assert statuses >= {
        Status.DEPARTMENT_REVIEW,
        Status.MORE_EVIDENCE,
        Status.HR_REVIEW,
        Status.COMMITTEE,
        Status.PUBLIC_NOTICE,
        Status.REJECTED,
    }
    on_notice = PromotionApplication.objects.get(status=Status.PUBLIC_NOTICE)
    assert on_notice.appeals.filter(status="open").exists()
    assert PromotionCycle.objects.get().status == PromotionCycle.Status.OPEN
    count = PromotionApplication.objects.count()
    assert demo.seed() == {}
    assert PromotionApplication.objects.count() == count
