"""History: changes made through a request name the user; bulk writes keep history too."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from simple_history.utils import bulk_create_with_history

from staff.models import Branch, WorkdayOverride

pytestmark = pytest.mark.django_db


def test_a_change_through_a_page_records_who_made_it(client):
    admin = User.objects.create_superuser("root", "root@example.com", "x" * 20)
    client.force_login(admin)

    response = client.post(
        "/admin/staff/workdayoverride/add/",
        {"date": "2027-01-01", "is_working_day": "", "note": "New Year 2027"},
    )

    assert response.status_code == 302
    override = WorkdayOverride.objects.get(date=dt.date(2027, 1, 1))
    [record] = override.history.all()
    assert record.history_type == "+"
    assert record.history_user == admin
    assert record.is_working_day is False


def test_bulk_created_rows_get_their_history_rows():
    branches = [Branch(code=f"K{n}", name=f"Bulk {n}") for n in range(5)]
    bulk_create_with_history(branches, Branch)
    assert Branch.history.filter(code__startswith="K", history_type="+").count() == 5


def test_branches_departments_profiles_and_overrides_keep_history():
    from django.apps import apps

    audited = {
        model.__name__
        for model in apps.get_app_config("staff").get_models()
        if hasattr(model, "history") and not model.__name__.startswith("Historical")
    }
    assert {"Branch", "Department", "StaffProfile", "WorkdayOverride"} <= audited
