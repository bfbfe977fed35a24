"""`staff.access.role_required`: the one role gate of every staff page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from staff import roles
from staff.access import role_required

pytestmark = pytest.mark.django_db


@role_required(roles.SUPERVISOR, roles.BRANCH_MANAGER)
def supervisors_page(request):
    return "opened"


@role_required()
def any_staff_page(request):
    return "opened"


def _request(user):
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = user
    return request


def test_anonymous_user_is_sent_to_the_login_page():
    from django.contrib.auth.models import AnonymousUser

    response = supervisors_page(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/somewhere/")


def test_wrong_role_is_refused(staff_user):
    with pytest.raises(PermissionDenied):
        supervisors_page(_request(staff_user(roles.FRONT_DESK)))


def test_any_of_the_roles_opens_the_page(staff_user):
    assert supervisors_page(_request(staff_user(roles.BRANCH_MANAGER))) == "opened"


def test_superuser_holds_every_role(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 20)
    assert supervisors_page(_request(admin)) == "opened"


def test_no_roles_means_any_staff_member(staff_user, django_user_model):
    assert any_staff_page(_request(staff_user())) == "opened"
    stranger = django_user_model.objects.create_user("no.profile", password="x" * 20)
    with pytest.raises(PermissionDenied):
        any_staff_page(_request(stranger))


def test_the_gate_declares_its_roles():
    assert supervisors_page.required_roles == (roles.SUPERVISOR, roles.BRANCH_MANAGER)
    assert any_staff_page.required_roles == ()
