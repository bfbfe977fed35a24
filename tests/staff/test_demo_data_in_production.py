"""seed_demo's published logins and keys: marked, and refused by production at every door."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from rest_framework.test import APIClient

from cases.demo import DEVELOPMENT_KEYS
from cases.models import Bank, BankApiKey
from cases.services.banks import api_key_issue
from collections_office.startup import refuse_to_serve_if_unsafe
from staff.checks import DEMO_DATA_TAG
from staff.demo import DEMO_PASSWORD
from staff.selectors import is_demo
from staff.services import demo_data_mark
from tests.factories import TEST_PASSWORD, UserFactory
from tests.foundation.test_settings import run_django

pytestmark = pytest.mark.django_db


def demo_check_ids() -> set[str]:
    return {message.id for message in checks.run_checks(tags=[DEMO_DATA_TAG])}


@pytest.fixture
def bank(db):
    return Bank.objects.create(
        name="Demo Bank",
        code="cmb",
        routine_contact_name="Desk",
        routine_contact_email="desk@example.cn",
        routine_contact_phone="+862161000000",
        emergency_contact_name="Duty",
        emergency_contact_phone="+8613900000001",
    )


@pytest.fixture
def demo_login(db):
    user = UserFactory(username="sh.supervisor")
    user.set_password(DEMO_PASSWORD)
    user.save()
    demo_data_mark(obj=user)
    return user


def test_seed_demo_marks_its_logins_banks_and_keys():
    call_command("seed_demo", stdout=StringIO())
    assert all(is_demo(user) for user in User.objects.all())
    assert all(is_demo(bank) for bank in Bank.objects.all())
    assert BankApiKey.objects.count() == 2
    assert all(is_demo(key) for key in BankApiKey.objects.all())


def test_a_colleague_created_by_hand_is_not_demo_data(demo_login):
    assert not is_demo(UserFactory(username="real.person"))


def test_production_check_fails_while_demo_logins_or_keys_work(settings, demo_login, bank):
    key, _raw = api_key_issue(bank=bank, actor=None, name="Demo key")
    demo_data_mark(obj=key)
    settings.PRODUCTION = False
    assert demo_check_ids() == set()
    settings.PRODUCTION = True
    assert demo_check_ids() == {"staff.E001", "cases.E001"}
    with pytest.raises(SystemCheckError, match=r"sh\.supervisor"):
        call_command("check", "--deploy", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(ImproperlyConfigured, match="Demo accounts"):
        refuse_to_serve_if_unsafe()


def test_the_published_development_keys_are_refused_even_without_a_marker(settings, bank):
    api_key_issue(bank=bank, actor=None, name="Nightly", raw_key=DEVELOPMENT_KEYS["cmb"])
    settings.PRODUCTION = True
    assert demo_check_ids() == {"cases.E001"}


def test_demo_disable_lets_production_start_and_keeps_the_rows(settings, demo_login, bank):
    key, _raw = api_key_issue(bank=bank, actor=None, name="Demo key")
    demo_data_mark(obj=key)
    real_key, _raw = api_key_issue(bank=bank, actor=None, name="Real")
    settings.PRODUCTION = True
    out = StringIO()
    call_command("demo_disable", stdout=out)
    assert "1 logins deactivated, 1 API keys revoked" in out.getvalue()
    assert demo_check_ids() == set()
    refuse_to_serve_if_unsafe()  # does not raise
    demo_login.refresh_from_db()
    assert not demo_login.is_active and not demo_login.has_usable_password()
    key.refresh_from_db()
    real_key.refresh_from_db()
    assert key.revoked_at is not None and real_key.revoked_at is None
    assert key.history.first().history_change_reason == "API key revoked"


def test_production_refuses_the_demo_api_key(settings, bank):
    _key, raw = api_key_issue(
        bank=bank, actor=None, name="Nightly", raw_key=DEVELOPMENT_KEYS["cmb"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/cases/").status_code == 200
    settings.PRODUCTION = True
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert "Demo API keys" in response.json()["detail"]


def test_production_refuses_the_demo_password_and_ends_demo_sessions(settings, client, demo_login):
    other = UserFactory(username="real.person")
    settings.PRODUCTION = True
    response = client.post(
        "/accounts/login/", {"username": "sh.supervisor", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    client.post("/accounts/login/", {"username": "real.person", "password": TEST_PASSWORD})
    assert client.session["_auth_user_id"] == str(other.pk)

    settings.PRODUCTION = False
    client.force_login(demo_login)
    settings.PRODUCTION = True
    assert client.get("/").status_code == 302  # the demo session no longer counts


def test_seed_demo_refuses_production_without_a_way_round(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("seed_demo", "--allow-production", stdout=StringIO())
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deploy_check_in_a_production_process_fails_on_a_database_with_demo_logins(demo_login):
    from django.db import connection

    from tests.conftest import _database_url_for

    result = run_django(
        ["manage.py", "check", "--deploy"],
        DATABASE_URL=_database_url_for(connection.settings_dict),
    )
    assert result.returncode != 0
    assert "staff.E001" in result.stderr and "sh.supervisor" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_wsgi_application_refuses_to_load_in_production_with_demo_logins(demo_login):
    from django.db import connection

    from tests.conftest import _database_url_for

    result = run_django(
        ["-c", "import collections_office.wsgi"],
        DATABASE_URL=_database_url_for(connection.settings_dict),
    )
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr


def test_databases_seeded_before_the_marker_have_their_demo_logins_marked():
    from importlib import import_module

    from django.apps import apps

    old_demo = UserFactory(username="sh.supervisor")  # the seed's name and e-mail address
    namesake = UserFactory(username="bj.manager")
    namesake.email = "real.manager@agency.cn"
    namesake.save()
    import_module("staff.migrations.0005_demo_data").mark_earlier_demo_logins(apps, None)
    assert is_demo(old_demo)
    assert not is_demo(namesake)
