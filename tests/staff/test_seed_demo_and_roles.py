"""`seed_demo` is idempotent; the role groups and their permissions exist after `migrate`."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import connection

from staff import roles
from staff.demo import BRANCHES, PEOPLE
from staff.models import Branch, Department, StaffProfile

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every model whose table exists (history tables included)."""
    existing = set(connection.introspection.table_names())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.db_table in existing and model._meta.managed
    }


def test_seed_demo_creates_headquarters_two_branches_and_a_user_for_every_role():
    call_command("seed_demo", stdout=StringIO())

    assert Branch.objects.count() == len(BRANCHES) == 3
    assert Branch.objects.filter(is_hq=True).count() == 1
    assert Department.objects.count() == 3 * 5
    # Plus the people the demo hires through recruitment (issue 12), not logins of a role.
    assert StaffProfile.objects.filter(hired_from__isnull=True).count() == len(PEOPLE)
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    seeded_roles = set(
        Group.objects.filter(user__username__in=[p[0] for p in PEOPLE]).values_list(
            "name", flat=True
        )
    )
    assert seeded_roles == set(roles.ALL_ROLES)
    for username, *_rest in PEOPLE:
        user = User.objects.get(username=username)
        assert user.check_password("demo-password-2026")


def test_a_second_seed_demo_run_creates_and_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    after_first = row_counts()
    profiles = list(StaffProfile.objects.order_by("pk").values())
    departments = list(Department.objects.order_by("pk").values())
    assert after_first["staff.HistoricalStaffProfile"] >= len(PEOPLE)
    assert after_first["staff.HistoricalBranch"] >= 3

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert row_counts() == after_first
    assert list(StaffProfile.objects.order_by("pk").values()) == profiles
    assert list(Department.objects.order_by("pk").values()) == departments
    assert "0 branches, 0 departments, 0 users created" in out.getvalue()


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()


# --- Roles ----------------------------------------------------------------------------


def expected_permissions(role: str) -> set[str]:
    return set(roles.ROLE_PERMISSIONS[role])


def group_permissions(role: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_every_role_group_exists_with_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    for role in roles.ALL_ROLES:
        assert group_permissions(role) >= expected_permissions(role), role


def test_every_permission_named_in_the_role_table_exists():
    """A typo in ROLE_PERMISSIONS would be skipped silently by the sync: catch it here."""
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    named = {perm for perms in roles.ROLE_PERMISSIONS.values() for perm in perms}
    assert named - existing == set()


def test_migrate_recreates_missing_groups_and_permissions():
    Group.objects.filter(name__in=[roles.HR, roles.SUPERVISOR]).delete()
    Group.objects.get(name=roles.BRANCH_MANAGER).permissions.clear()

    call_command("migrate", verbosity=0, interactive=False)

    for role in (roles.HR, roles.SUPERVISOR, roles.BRANCH_MANAGER):
        assert group_permissions(role) >= expected_permissions(role)


def test_collectors_get_no_staff_permissions_and_hr_may_edit_profiles():
    assert not {p for p in group_permissions(roles.PHONE_COLLECTOR) if p.startswith("staff.")}
    assert "staff.change_staffprofile" in group_permissions(roles.HR)
    assert "staff.change_staffprofile" not in group_permissions(roles.SUPERVISOR)


def test_a_user_in_a_role_group_has_its_permissions(branch_a, staff_user):
    hr = staff_user(roles.HR, branch=branch_a)
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a)
    assert hr.has_perm("staff.change_staffprofile")
    assert supervisor.has_perm("staff.view_staffprofile")
    assert not supervisor.has_perm("staff.change_staffprofile")
