"""In a real browser: sign in with the password, then the authenticator's code."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import roles
from staff.accounts import recovery_codes_replace
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_signs_in_with_password_and_totp_code(page, staff_user, branch_a, settings):
    settings.TWO_FACTOR_REQUIRED = True
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.browser")
    device = TOTPDevice.objects.create(user=supervisor, name="Authenticator app", confirmed=True)
    recovery_codes_replace(user=supervisor)

    page.goto("/cases/")
    page.fill("#id_username", "sup.browser")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-button")
    page.wait_for_url("**/accounts/two-factor/verify/**")

    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    page.fill("#id_code", code)
    page.click("#verify-button")
    page.wait_for_url("**/cases/")
    assert page.locator("#user-menu").is_visible()
    page.click("#user-menu")
    assert page.locator("#two-factor-link").is_visible()
    assert page.locator("#change-password-link").is_visible()
