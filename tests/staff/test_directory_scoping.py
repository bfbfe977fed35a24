"""Branch scoping of the staff directory: the selector and the pages that use it."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staff import roles
from staff.models import StaffProfile
from staff.selectors import restrict_to_branch, sees_all_branches, staff_get, staff_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(hq, branch_a, branch_b, staff_user):
    """A supervisor and two collectors in branch A, one collector in B, an HQ manager."""
    return {
        "supervisor_a": staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a"),
        "collector_a1": staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a1"),
        "collector_a2": staff_user(roles.FIELD_COLLECTOR, branch=branch_a, username="col.a2"),
        "collector_b": staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="col.b"),
        "manager_hq": staff_user(roles.BRANCH_MANAGER, branch=hq, username="mgr.hq"),
    }


def usernames(queryset) -> set[str]:
    return {profile.user.username for profile in queryset}


# --- The selector ------------------------------------------------------------------------


def test_a_branch_supervisor_sees_only_their_branch(people):
    assert usernames(staff_list(user=people["supervisor_a"])) == {"sup.a", "col.a1", "col.a2"}


def test_headquarters_sees_every_branch(people):
    assert usernames(staff_list(user=people["manager_hq"])) == set(
        StaffProfile.objects.values_list("user__username", flat=True)
    )
    assert sees_all_branches(people["manager_hq"])
    assert not sees_all_branches(people["supervisor_a"])


def test_a_superuser_without_a_profile_sees_every_branch(people):
    admin = User.objects.create_superuser("root", "root@example.com", "x" * 20)
    assert staff_list(user=admin).count() == 5


def test_a_user_without_a_staff_profile_sees_nobody(people):
    stranger = User.objects.create_user("stranger", password="x" * 20)
    assert not staff_list(user=stranger).exists()
    assert not restrict_to_branch(StaffProfile.objects.all(), user=stranger).exists()


def test_staff_who_left_are_hidden_from_the_list_but_found_by_id(people):
    left = people["collector_a2"].staff_profile
    left.status, left.left_on = StaffProfile.Status.LEFT, left.hire_date
    left.save()
    assert "col.a2" not in usernames(staff_list(user=people["supervisor_a"]))
    assert staff_get(user=people["supervisor_a"], pk=left.pk) == left


def test_another_branchs_profile_is_not_found_by_the_selector(people):
    from django.http import Http404

    with pytest.raises(Http404):
        staff_get(user=people["supervisor_a"], pk=people["collector_b"].staff_profile.pk)


# --- The pages ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    for url in ("/staff/", f"/staff/{people['collector_a1'].staff_profile.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_directory_lists_only_the_supervisors_branch(client, people):
    client.force_login(people["supervisor_a"])
    response = client.get("/staff/")
    assert response.status_code == 200
    listed = {profile.user.username for profile in response.context["page"]}
    assert listed == {"sup.a", "col.a1", "col.a2"}
    assert b"col.b" not in response.content


def test_headquarters_directory_lists_everybody(client, people):
    client.force_login(people["manager_hq"])
    response = client.get("/staff/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5


def test_a_profile_of_the_own_branch_opens(client, people):
    client.force_login(people["supervisor_a"])
    profile = people["collector_a1"].staff_profile
    response = client.get(f"/staff/{profile.pk}/")
    assert response.status_code == 200
    assert profile.employee_number in response.content.decode()


def test_another_branchs_profile_is_a_404(client, people):
    client.force_login(people["supervisor_a"])
    response = client.get(f"/staff/{people['collector_b'].staff_profile.pk}/")
    assert response.status_code == 404


def test_headquarters_opens_any_branchs_profile(client, people):
    client.force_login(people["manager_hq"])
    response = client.get(f"/staff/{people['collector_b'].staff_profile.pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize("role", [roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR, roles.FINANCE])
def test_roles_without_the_directory_get_403(client, people, branch_a, staff_user, role):
    user = staff_user(role, branch=branch_a, username=f"no.directory.{role}")
    client.force_login(user)
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/{people['collector_a1'].staff_profile.pk}/").status_code == 403


def test_the_directory_searches_and_sorts_within_the_branch(client, people):
    client.force_login(people["supervisor_a"])
    response = client.get("/staff/", {"q": "col.", "sort": "-number"})
    numbers = [profile.employee_number for profile in response.context["page"]]
    assert len(numbers) == 2  # col.a1 and col.a2; col.b is another branch
    assert numbers == sorted(numbers, reverse=True)


def test_the_directory_query_count_does_not_grow_with_the_rows(
    client, people, branch_a, staff_user
):
    def queries_for_directory() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/staff/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    client.force_login(people["supervisor_a"])
    client.get("/staff/")  # warm caches (content types, session)
    with_three = queries_for_directory()
    for n in range(15):
        staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username=f"extra{n}")
    with_eighteen = queries_for_directory()
    assert with_eighteen == with_three
    assert with_three <= 15


# --- The directory's search and filter, on the selector (docs/quality.md, fourth run) ------


def test_the_directory_finds_by_number_first_name_last_name_or_login_and_filters_by_position(
    branch_a, staff_user
):
    from staff.models import Position
    from staff.selectors import staff_directory

    hr = staff_user(roles.HR, branch=branch_a, username="hr.a")
    staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="li.lei", employee_number="E-7001")
    wang = staff_user(
        roles.PHONE_COLLECTOR,
        branch=branch_a,
        username="w.fang",
        position=Position.SENIOR_COLLECTOR,
    )
    wang.first_name, wang.last_name = "Fang", "Wang"
    wang.save()

    def found(**search):
        return usernames(staff_directory(user=hr, **search))

    assert found() == {"hr.a", "li.lei", "w.fang"}
    assert found(query="7001") == {"li.lei"}
    assert found(query="fan") == {"w.fang"}
    assert found(query="WANG") == {"w.fang"}
    assert found(query="li.") == {"li.lei"}
    assert found(position=Position.SENIOR_COLLECTOR) == {"w.fang"}
    assert found(query="li.", position=Position.SENIOR_COLLECTOR) == set()
