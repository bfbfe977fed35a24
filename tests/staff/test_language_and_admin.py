"""Language choice remembered per user, personal-data view records, and the admin screens."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from staff import roles
from staff.models import Branch, PersonalDataView
from staff.services import personal_data_view_record, user_language_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(branch_a, staff_user):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.lang")


# --- Language ------------------------------------------------------------------------------


def test_switching_language_is_remembered_on_the_profile_and_wins_over_the_browser(
    client, supervisor
):
    client.force_login(supervisor)
    response = client.post("/i18n/language/", {"language": "zh-hans", "next": "/staff/"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    supervisor.staff_profile.refresh_from_db()
    assert supervisor.staff_profile.language == "zh-hans"

    # A new browser (no cookie, English Accept-Language) still gets Chinese after login.
    client.cookies.clear()
    client.force_login(supervisor)
    page = client.get("/", headers={"accept-language": "en-US,en"})
    assert '<h1 class="h3 mb-0">工作台</h1>' in page.content.decode()
    assert page["Content-Language"] == "zh-hans"


def test_an_anonymous_visitor_gets_the_language_by_cookie(client):
    response = client.post("/i18n/language/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "zh-hans"
    assert response.cookies["django_language"]["httponly"]
    page = client.get("/accounts/login/")
    assert "登录" in page.content.decode()


def test_an_unknown_language_changes_nothing(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/i18n/language/", {"language": "klingon", "next": "/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
    supervisor.staff_profile.refresh_from_db()
    assert supervisor.staff_profile.language == ""
    with pytest.raises(ValueError):
        user_language_set(user=supervisor, language="klingon")


def test_the_language_switch_never_redirects_to_another_site(client, supervisor):
    client.force_login(supervisor)
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post("/i18n/language/", {"language": "en", "next": target})
        assert response["Location"] == "/"


def test_the_language_switch_needs_a_post(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/i18n/language/?language=zh-hans").status_code == 405


# --- Personal data view records -------------------------------------------------------------


def test_viewing_personal_data_unmasked_is_recorded(supervisor, branch_b):
    record = personal_data_view_record(
        user=supervisor, obj=branch_b, fields=["address"], path="/somewhere/"
    )
    stored = PersonalDataView.objects.get(pk=record.pk)
    assert stored.user == supervisor
    assert stored.content_type == ContentType.objects.get_for_model(Branch)
    assert stored.object_id == str(branch_b.pk)
    assert stored.fields == "address"
    assert stored.viewed_at is not None


def test_nobody_edits_or_deletes_view_records_in_the_admin(client, supervisor, branch_b):
    record = personal_data_view_record(user=supervisor, obj=branch_b, fields=["address"])
    admin = User.objects.create_superuser("root", "root@example.com", "x" * 20)
    client.force_login(admin)
    assert client.get("/admin/staff/personaldataview/").status_code == 200
    assert client.get("/admin/staff/personaldataview/add/").status_code == 403
    assert client.post(f"/admin/staff/personaldataview/{record.pk}/delete/").status_code == 403
    assert PersonalDataView.objects.filter(pk=record.pk).exists()


# --- Admin screens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/staff/branch/",
        "/admin/staff/branch/add/",
        "/admin/staff/department/",
        "/admin/staff/staffprofile/",
        "/admin/staff/workdayoverride/",
        "/admin/staff/workdayoverride/add/",
        "/admin/auth/user/",
        "/admin/auth/group/",
    ],
)
def test_admin_screens_for_people_and_roles_open(client, supervisor, url):
    admin = User.objects.create_superuser("root", "root@example.com", "x" * 20)
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_a_profile_and_its_history_open_in_the_admin(client, supervisor):
    admin = User.objects.create_superuser("root", "root@example.com", "x" * 20)
    client.force_login(admin)
    profile = supervisor.staff_profile
    assert client.get(f"/admin/staff/staffprofile/{profile.pk}/change/").status_code == 200
    assert client.get(f"/admin/staff/staffprofile/{profile.pk}/history/").status_code == 200
    assert client.get(f"/admin/auth/user/{supervisor.pk}/change/").status_code == 200


def test_staff_without_the_admin_flag_cannot_open_the_admin(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/admin/staff/branch/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
