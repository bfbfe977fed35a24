"""The signed-in user is read with their staff profile, branch and roles (get_user):
one query where a page used to spend three, and the same answers as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staff.backends import StaffModelBackend
from staff.selectors import profile_of, sees_all_branches, user_branch
from tests.factories import UserFactory, make_staff

pytestmark = pytest.mark.django_db


def test_the_user_brings_their_profile_and_branch_in_one_query(branch_a):
    user = make_staff(branch=branch_a, language="zh-hans")
    with CaptureQueriesContext(connection) as queries:
        loaded = StaffModelBackend().get_user(user.pk)
        profile, branch, everywhere = (
            profile_of(loaded),
            user_branch(loaded),
            sees_all_branches(loaded),
        )
    assert len(queries) == 1
    assert (profile.language, branch.code, everywhere) == ("zh-hans", "BRA", False)


def test_a_user_without_a_staff_profile_still_has_none():
    user = UserFactory()
    loaded = StaffModelBackend().get_user(user.pk)
    assert loaded == user
    with CaptureQueriesContext(connection) as queries:
        assert profile_of(loaded) is None and user_branch(loaded) is None
    assert len(queries) == 0


def test_an_inactive_or_missing_user_is_nobody(branch_a):
    user = make_staff(branch=branch_a)
    user.is_active = False
    user.save()
    assert StaffModelBackend().get_user(user.pk) is None
    assert StaffModelBackend().get_user(user.pk + 1000) is None


def test_a_page_reads_the_profile_from_the_signed_in_user(client, branch_a):
    user = make_staff(branch=branch_a, language="zh-hans")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user.staff_profile.branch.code == "BRA"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_roles_come_in_the_same_query_and_answer_has_role(branch_a):
    from django.contrib.auth.models import Group

    from staff import roles
    from staff.selectors import has_role

    user = make_staff(roles.SUPERVISOR, roles.FINANCE, branch=branch_a)
    # A group whose name holds quotes and a comma never reads as another role.
    user.groups.add(Group.objects.create(name=f'x",{roles.HR}'))
    with CaptureQueriesContext(connection) as queries:
        loaded = StaffModelBackend().get_user(user.pk)
        answers = (
            has_role(loaded, roles.SUPERVISOR),
            has_role(loaded, roles.FINANCE, roles.HR),
            has_role(loaded, roles.HR),
            has_role(loaded, roles.PHONE_COLLECTOR),
        )
    assert len(queries) == 1
    assert answers == (True, True, False, False)
    assert loaded._role_names_cache == {roles.SUPERVISOR, roles.FINANCE, f'x",{roles.HR}'}


def test_a_user_without_groups_holds_no_role(branch_a):
    from staff import roles
    from staff.selectors import has_role

    loaded = StaffModelBackend().get_user(make_staff(branch=branch_a).pk)
    with CaptureQueriesContext(connection) as queries:
        assert not has_role(loaded, *roles.ALL_ROLES)
    assert len(queries) == 0
