"""Two-factor sign-in (TOTP): enrolment, the code at every sign-in, single-use recovery
codes, and the roles that must have it."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import roles
from staff.accounts import recovery_codes_replace
from staff.models import Notification
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def after_the_wrong_code_wait():
    """django-otp makes a person wait a second after a wrong code (longer after more)."""
    return time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3), tick=True)


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the phone shows now (or a step later: a code is accepted only once)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def recovery_tokens(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery_codes_replace(user=user)
    return device


def sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})


@pytest.fixture
def collector(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.two")


@pytest.fixture
def supervisor(staff_user, branch_a):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.two")


def test_enrolment_shows_a_server_drawn_qr_code_and_confirms_with_a_code(client, collector):
    client.force_login(collector)
    page = client.get("/accounts/two-factor/setup/")
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'src="data:image/svg+xml' in html  # drawn on the server: no script, no CDN
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=collector, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key

    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000"})
    assert 'data-field="code"' in wrong.content.decode()
    with after_the_wrong_code_wait():
        done = client.post("/accounts/two-factor/setup/", {"code": current_code(device)})
    codes = re.findall(r'<li class="col py-1">([a-z2-7]+)</li>', done.content.decode())
    assert len(codes) == 10 and "no-store" in done["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert set(
        StaticToken.objects.filter(device__user=collector).values_list("token", flat=True)
    ) == set(codes)
    assert client.get("/").status_code == 200  # this session is verified already
    # The person is told: if it was not them, they know at once.
    assert Notification.objects.filter(recipient=collector, title="Two-factor sign-in was set up")


def test_an_enrolled_person_must_give_the_code_at_every_sign_in(client, collector):
    device = enrolled(collector)
    response = sign_in(client, collector)
    assert response.status_code == 302
    landing = client.get("/frontdesk/visitors/")
    assert landing.status_code == 302
    assert landing["Location"].startswith("/accounts/two-factor/verify/?next=")
    assert client.get("/staff/").status_code == 302  # nothing else opens meanwhile

    refused = client.post("/accounts/two-factor/verify/", {"code": "123456", "next": "/"})
    assert 'data-field="code"' in refused.content.decode()
    with after_the_wrong_code_wait():
        code = current_code(device)
        ok = client.post("/accounts/two-factor/verify/", {"code": code, "next": "/staff/"})
    assert ok.status_code == 302 and ok["Location"] == "/staff/"
    assert client.get("/").status_code == 200


def test_a_totp_code_is_accepted_once(client, collector):
    device = enrolled(collector)
    code = current_code(device)
    sign_in(client, collector)
    assert client.post("/accounts/two-factor/verify/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    sign_in(client, collector)
    replay = client.post("/accounts/two-factor/verify/", {"code": code})
    assert replay.status_code == 200 and 'data-field="code"' in replay.content.decode()


def test_a_recovery_code_signs_in_once(client, collector):
    enrolled(collector)
    code = StaticToken.objects.filter(device__user=collector).first().token
    sign_in(client, collector)
    first = client.post("/accounts/two-factor/verify/", {"code": code.upper()})
    assert first.status_code == 302
    assert StaticToken.objects.filter(device__user=collector).count() == 9
    client.post("/accounts/logout/")
    sign_in(client, collector)
    second = client.post("/accounts/two-factor/verify/", {"code": code})
    assert second.status_code == 200 and "This code is not valid." in second.content.decode()
    assert client.get("/").status_code == 302


def test_the_admin_login_page_does_not_skip_the_second_factor(client, collector):
    enrolled(collector)
    collector.is_staff = True
    collector.save()
    client.post("/admin/login/", {"username": collector.username, "password": TEST_PASSWORD})
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/verify/")


def test_required_role_without_a_device_is_sent_to_enrolment_and_nowhere_else(
    client, supervisor, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(supervisor)
    for path in ("/", "/cases/", "/staff/", "/accounts/password/change/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/two-factor/setup/"), path
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200 and 'id="two-factor-required"' in page.content.decode()
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    client.post("/accounts/two-factor/setup/", {"code": current_code(device)})
    assert client.get("/cases/").status_code == 200


def test_holders_of_the_bank_file_permission_must_enrol_too(client, staff_user, branch_a, settings):
    settings.TWO_FACTOR_REQUIRED = True
    admin = staff_user(roles.ADMIN_STAFF, branch=branch_a, username="files.admin")
    plain_admin = staff_user(roles.ADMIN_STAFF, branch=branch_a, username="plain.admin")
    admin.user_permissions.add(Permission.objects.get(codename="download_placement_original"))
    client.force_login(plain_admin)
    assert client.get("/cases/placements/").status_code == 200  # optional for them
    client.force_login(admin)
    assert client.get("/cases/placements/")["Location"].startswith("/accounts/two-factor/setup/")


def test_optional_when_the_setting_is_off_and_removable_when_optional(client, supervisor, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(supervisor)
    assert client.get("/cases/").status_code == 200
    device = enrolled(supervisor)
    client.force_login(supervisor)  # a new sign-in owes the code now
    client.post("/accounts/two-factor/verify/", {"code": current_code(device)})
    client.post("/accounts/two-factor/remove/")
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert Notification.objects.filter(
        recipient=supervisor, title="Two-factor sign-in was turned off"
    )

    settings.TWO_FACTOR_REQUIRED = True
    device = enrolled(supervisor)
    client.force_login(supervisor)
    client.post("/accounts/two-factor/verify/", {"code": current_code(device)})
    client.post("/accounts/two-factor/remove/")
    assert TOTPDevice.objects.filter(user=supervisor).exists()  # required: refused


def test_new_recovery_codes_replace_the_old_ones(client, collector):
    device = enrolled(collector)
    old = recovery_tokens(collector)
    client.force_login(collector)
    client.post("/accounts/two-factor/verify/", {"code": current_code(device)})
    response = client.post("/accounts/two-factor/codes/")
    new = set(re.findall(r'<li class="col py-1">([a-z2-7]+)</li>', response.content.decode()))
    assert len(new) == 10 and not new & old
    assert (
        set(StaticToken.objects.filter(device__user=collector).values_list("token", flat=True))
        == new
    )


def test_production_requires_it_by_default():
    from tests.foundation.test_settings import run_django

    result = run_django(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TWO_FACTOR_REQUIRED)",
        ]
    )
    assert result.stdout.strip() == "True", result.stderr
    off = run_django(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TWO_FACTOR_REQUIRED)",
        ],
        DJANGO_ENV="development",
    )
    assert off.stdout.strip() == "False", off.stderr


def test_a_lost_phone_removed_by_an_administrator_leads_a_required_role_to_enrol_again(
    client, supervisor, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    device = enrolled(supervisor)
    sign_in(client, supervisor)
    client.post("/accounts/two-factor/verify/", {"code": current_code(device)})
    assert client.get("/cases/").status_code == 200
    # The administrator deletes both devices (django-otp's admin): the session's
    # verification ends with them, and the person must enrol a new phone.
    TOTPDevice.objects.filter(user=supervisor).delete()
    StaticDevice.objects.filter(user=supervisor).delete()
    response = client.get("/cases/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")


def test_three_wrong_codes_in_a_row_make_the_person_wait(client, collector):
    device = enrolled(collector)
    sign_in(client, collector)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=True) as clock:
        for _ in range(3):
            clock.shift(dt.timedelta(seconds=10))  # past each pause: every try counts
            response = client.post("/accounts/two-factor/verify/", {"code": "000000"})
        assert "Too many wrong codes" in response.content.decode()
        # Even the right code waits until the pause is over.
        refused = client.post("/accounts/two-factor/verify/", {"code": current_code(device)})
        assert refused.status_code == 200
        clock.shift(dt.timedelta(seconds=10))
        accepted = client.post("/accounts/two-factor/verify/", {"code": current_code(device)})
        assert accepted.status_code == 302


def test_two_factor_pages_speak_simplified_chinese(client, collector):
    client.cookies["django_language"] = "zh-hans"
    client.force_login(collector)
    assert "设置双重身份验证登录" in client.get("/accounts/two-factor/setup/").content.decode()
    assert "双重身份验证登录" in client.get("/accounts/two-factor/").content.decode()
