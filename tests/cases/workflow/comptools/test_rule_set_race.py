"""Two admins choosing the company's rule set at the same moment (two PostgreSQL connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cases.models import ComplianceRuleSet
from cases.services.compliance import compliance_rule_set_make_company_default
from staff import roles
from tests.factories import make_staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_choices_leave_exactly_one_company_rule_set(hq):
    admins = [make_staff(roles.ADMIN_STAFF, branch=hq) for _ in range(2)]
    strict = ComplianceRuleSet.objects.create(
        code="strict", name="Strict", default_time_zone="Asia/Shanghai"
    )
    choices = [ComplianceRuleSet.objects.get(code="us-reg-f"), strict]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def choose(admin, rule_set):
        try:
            barrier.wait(timeout=10)
            compliance_rule_set_make_company_default(rule_set=rule_set, actor=admin)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=choose, args=(admin, rule_set))
        for admin, rule_set in zip(admins, choices, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    defaults = list(ComplianceRuleSet.objects.filter(is_company_default=True))
    assert len(defaults) == 1
    assert defaults[0].code in {"us-reg-f", "strict"}
