"""Fixtures of the staff page tests: people of each role in branch A, B and HQ."""

from __future__ import annotations

import pytest

from staff import roles


@pytest.fixture
def admin_a(staff_user, branch_a):
    return staff_user(roles.ADMIN_STAFF, branch=branch_a, username="admin.a")


@pytest.fixture
def original_downloader_a(staff_user, branch_a):
    """Admin staff of branch A who were granted the bank files' originals, person by person."""
    from django.contrib.auth.models import Permission

    user = staff_user(roles.ADMIN_STAFF, branch=branch_a, username="admin.a.files")
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="cases", codename="download_placement_original"
        )
    )
    return user


@pytest.fixture
def admin_hq(staff_user, hq):
    return staff_user(roles.ADMIN_STAFF, branch=hq, username="admin.hq")


@pytest.fixture
def supervisor_a(staff_user, branch_a):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a")


@pytest.fixture
def manager_a(staff_user, branch_a):
    return staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="mgr.a")


@pytest.fixture
def collector_a(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a")


@pytest.fixture
def front_desk_a(staff_user, branch_a):
    return staff_user(roles.FRONT_DESK, branch=branch_a, username="desk.a")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
