"""Visitor log: registration, host notification, check-out, pre-registration, scoping, input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from frontdesk import services
from frontdesk.models import Visit
from frontdesk.selectors import visits_in_building
from staff import roles
from staff.models import Notification, PersonalDataView
from tests.frontdesk.conftest import VALID_RESIDENT_ID
from tests.landing import landing_html

pytestmark = pytest.mark.django_db


def _visit_form(host, **overrides):
    data = {
        "visitor_name": "Li Lei",
        "phone": "138 0013 8000",
        "organisation": "ICBC Pudong",
        "host": host.pk,
        "purpose": "Reconciliation meeting",
        "arrived_at": "2026-11-23T10:05",
        "id_document_type": "resident_id",
        "id_number": VALID_RESIDENT_ID,
        "badge_number": "V-07",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_registering_a_visitor_notifies_the_host_in_app_and_by_email(
    client, desk, host, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("frontdesk:visit_register"), _visit_form(host))

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.status == Visit.Status.ON_SITE
    assert visit.host == host
    assert visit.host_department == host.staff_profile.department
    assert visit.phone == "+8613800138000"  # one canonical form, so returning visitors match
    notification = Notification.objects.get(recipient=host)
    assert "Li Lei" in notification.title
    assert notification.url == reverse("frontdesk:visit_detail", args=[visit.pk])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [host.email]
    assert "Li Lei" in mail.outbox[0].subject
    # The host sees the bell count on any page.
    client.force_login(host)
    page = landing_html(client)
    assert 'data-testid="unread-count">1<' in page


def test_arrival_time_typed_by_the_desk_is_company_time(client, desk, host):
    client.force_login(desk)
    client.post(reverse("frontdesk:visit_register"), _visit_form(host))
    visit = Visit.objects.get()
    # 10:05 in Shanghai is 02:05 UTC.
    assert visit.arrived_at == dt.datetime(2026, 11, 23, 2, 5, tzinfo=dt.UTC)


def test_check_out_removes_the_visitor_from_the_in_building_list(client, desk, host):
    visit = services.visit_register(
        actor=desk, visitor_name="Han Meimei", purpose="Interview", host=host
    )
    client.force_login(desk)
    assert "Han Meimei" in client.get(reverse("frontdesk:in_building")).content.decode()

    response = client.post(reverse("frontdesk:visit_check_out", args=[visit.pk]))

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.LEFT
    assert visit.departed_at is not None
    assert list(visits_in_building(user=desk)) == []
    listed = client.get(reverse("frontdesk:in_building")).context["visits"]
    assert [v.visitor_name for v in listed] == []
    # Both states are in the history, with who made them.
    states = list(visit.history.order_by("history_date").values_list("status", "history_user"))
    assert states == [("on_site", desk.pk), ("left", desk.pk)]


def test_a_visitor_cannot_be_checked_out_twice(desk, host):
    visit = services.visit_register(actor=desk, visitor_name="A", purpose="B", host=host)
    services.visit_check_out(visit=visit, actor=desk)
    with pytest.raises(Exception, match="in the building"):
        services.visit_check_out(visit=visit, actor=desk)


def test_pre_registered_visitor_becomes_a_visit_with_one_click_and_the_host_is_told(
    client, desk, host, django_capture_on_commit_callbacks
):
    client.force_login(host)
    response = client.post(
        reverse("frontdesk:visit_preregister"),
        {
            "visitor_name": "Zhang San",
            "phone": "",
            "organisation": "CCB",
            "host": host.pk,
            "purpose": "Contract",
            "expected_at": "2026-11-24T14:00",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.status == Visit.Status.EXPECTED
    assert visit.arrived_at is None
    assert Notification.objects.count() == 0

    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("frontdesk:visit_arrive", args=[visit.pk]), {"badge_number": "V-1"})

    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE
    assert visit.arrived_at is not None
    assert visit.badge_number == "V-1"
    assert Notification.objects.filter(recipient=host).count() == 1
    assert len(mail.outbox) == 1


def test_returning_visitor_is_found_by_phone_or_name(client, desk, host):
    services.visit_register(
        actor=desk,
        visitor_name="Wang Fang",
        phone="13912345678",
        organisation="Bank of Shanghai",
        purpose="Audit",
        host=host,
    )
    client.force_login(desk)
    by_phone = client.get(reverse("frontdesk:visitor_lookup"), {"phone": "139 1234 5678"})
    by_name = client.get(reverse("frontdesk:visitor_lookup"), {"visitor_name": "wang f"})
    nothing = client.get(reverse("frontdesk:visitor_lookup"), {"visitor_name": "Nobody"})

    for response in (by_phone, by_name):
        html = response.content.decode()
        assert 'data-organisation="Bank of Shanghai"' in html
        assert f'data-host="{host.pk}"' in html
    assert "returning-visitor" not in nothing.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"visitor_name": ""}, "visitor_name", "This field is required"),
        ({"purpose": ""}, "purpose", "This field is required"),
        ({"phone": "12345"}, "phone", "valid phone number"),
        ({"phone": "not a phone"}, "phone", "valid phone number"),
        ({"id_number": "110105194912310021"}, "id_number", "check digit"),
        ({"id_number": "12345"}, "id_number", "18 characters"),
        ({"id_document_type": "", "id_number": "E12345678"}, "id_number", "type of ID"),
        ({"id_document_type": "passport", "id_number": "E1-2"}, "id_number", "passport"),
    ],
)
def test_bad_visitor_input_gives_a_form_error_on_the_field_and_saves_nothing(
    client, desk, host, overrides, field, message
):
    client.force_login(desk)
    response = client.post(reverse("frontdesk:visit_register"), _visit_form(host, **overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert f'data-field="{field}"' in response.content.decode()
    assert Visit.objects.count() == 0
    assert Notification.objects.count() == 0


def test_the_id_number_is_stored_encrypted_and_shown_masked(client, desk, host):
    client.force_login(desk)
    client.post(reverse("frontdesk:visit_register"), _visit_form(host))
    visit = Visit.objects.get()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM frontdesk_visit WHERE id = %s", [visit.pk])
        raw = cursor.fetchone()[0]
    assert VALID_RESIDENT_ID not in raw
    page = client.get(reverse("frontdesk:visit_detail", args=[visit.pk])).content.decode()
    assert VALID_RESIDENT_ID not in page
    assert "110105********002X" in page

    revealed = client.post(reverse("frontdesk:visit_reveal_id", args=[visit.pk]))
    assert VALID_RESIDENT_ID in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    assert PersonalDataView.objects.filter(user=desk, object_id=str(visit.pk)).count() == 1


@pytest.mark.parametrize("who", ["host", "branch_manager"])
def test_only_the_desk_may_reveal_a_visitors_id_number(
    client, desk, host, staff_user, branch_a, who
):
    # Both may read the visit (masked); the full ID number is the desk's to see.
    branch_manager = staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="mgr.a")
    visit = services.visit_register(
        actor=desk,
        visitor_name="Li Lei",
        purpose="Reconciliation meeting",
        host=host,
        id_document_type="resident_id",
        id_number=VALID_RESIDENT_ID,
    )
    reader = {"host": host, "branch_manager": branch_manager}[who]
    client.force_login(reader)
    assert client.get(reverse("frontdesk:visit_detail", args=[visit.pk])).status_code == 200

    response = client.post(reverse("frontdesk:visit_reveal_id", args=[visit.pk]))

    assert response.status_code == 403
    assert VALID_RESIDENT_ID not in response.content.decode()
    assert not PersonalDataView.objects.exists()


def test_visits_of_another_branch_and_of_other_hosts_are_404(
    client, desk, host, desk_b, staff_user, branch_a
):
    visit = services.visit_register(actor=desk, visitor_name="A", purpose="B", host=host)
    colleague = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="colleague")

    client.force_login(desk_b)
    assert client.get(reverse("frontdesk:visit_detail", args=[visit.pk])).status_code == 404
    assert client.post(reverse("frontdesk:visit_check_out", args=[visit.pk])).status_code == 404
    client.force_login(colleague)
    assert client.get(reverse("frontdesk:visit_detail", args=[visit.pk])).status_code == 404
    client.force_login(host)
    assert client.get(reverse("frontdesk:visit_detail", args=[visit.pk])).status_code == 200
    # The host may read, not run the desk.
    assert client.post(reverse("frontdesk:visit_check_out", args=[visit.pk])).status_code == 403
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("frontdesk:visit_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_void_needs_a_reason_and_keeps_the_row(client, desk, host):
    visit = services.visit_register(actor=desk, visitor_name="Typo", purpose="B", host=host)
    client.force_login(desk)
    client.post(reverse("frontdesk:visit_void", args=[visit.pk]), {"void_reason": ""})
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE

    client.post(reverse("frontdesk:visit_void", args=[visit.pk]), {"void_reason": "Duplicate"})
    visit.refresh_from_db()
    assert visit.status == Visit.Status.VOID
    assert visit.void_reason == "Duplicate"
    assert visit.history.count() == 2


def test_a_correction_keeps_the_old_value_in_history(client, desk, host):
    visit = services.visit_register(actor=desk, visitor_name="Li Lie", purpose="B", host=host)
    client.force_login(desk)
    data = _visit_form(host, visitor_name="Li Lei", reason="Name misspelt", departed_at="")
    response = client.post(reverse("frontdesk:visit_correct", args=[visit.pk]), data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.visitor_name == "Li Lei"
    old, new = visit.history.order_by("history_date")
    assert old.visitor_name == "Li Lie"
    assert new.history_change_reason == "Name misspelt"
    assert new.history_user == desk


def test_visit_export_escapes_formula_looking_cells(client, desk, host):
    services.visit_register(
        actor=desk, visitor_name='=HYPERLINK("http://x")', purpose="+cmd|' /C calc'!A0", host=host
    )
    client.force_login(desk)
    response = client.get(reverse("frontdesk:visit_list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert "'+cmd" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body

    xlsx = client.get(reverse("frontdesk:visit_list"), {"export": "xlsx"})
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [cell.value for cell in sheet[2]]
    assert '\'=HYPERLINK("http://x")' in values
    assert sheet[2][0].data_type != "f"


def test_visit_list_filters_by_host_and_date(client, desk, host, department_head):
    services.visit_register(
        actor=desk,
        visitor_name="Early",
        purpose="B",
        host=host,
        arrived_at=dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC),
    )
    services.visit_register(
        actor=desk, visitor_name="Other host", purpose="B", host=department_head
    )
    client.force_login(desk)
    by_host = client.get(reverse("frontdesk:visit_list"), {"host": host.pk})
    names = [visit.visitor_name for visit in by_host.context["page"]]
    assert names == ["Early"]
    by_date = client.get(reverse("frontdesk:visit_list"), {"date_from": "2026-11-10"})
    assert "Early" not in [visit.visitor_name for visit in by_date.context["page"]]


def test_the_correction_form_does_not_show_the_full_id_number_and_keeps_it(client, desk, host):
    client.force_login(desk)
    client.post(reverse("frontdesk:visit_register"), _visit_form(host))
    visit = Visit.objects.get()
    url = reverse("frontdesk:visit_correct", args=[visit.pk])
    assert VALID_RESIDENT_ID not in client.get(url).content.decode()
    data = _visit_form(host, id_number="", notes="Came with a colleague", reason="Add note")
    data["departed_at"] = ""
    assert client.post(url, data).status_code == 302
    visit.refresh_from_db()
    assert visit.id_number == VALID_RESIDENT_ID
    assert visit.notes == "Came with a colleague"


def test_visitor_export_is_recorded_as_a_personal_data_view_and_not_cached(client, desk, host):
    from staff.models import PersonalDataView

    for name in ("Li Lei", "Han Meimei"):
        services.visit_register(actor=desk, visitor_name=name, purpose="Meeting", host=host)
    client.force_login(desk)
    for kind in ("csv", "xlsx"):
        response = client.get(reverse("frontdesk:visit_list"), {"export": kind, "q": "i"})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], kind
    records = list(PersonalDataView.objects.order_by("pk"))
    assert len(records) == 2
    assert {record.records for record in records} == {2}
    assert all(record.user == desk and record.content_type.model == "visit" for record in records)
    assert "export=csv" in records[0].path and "q=i" in records[0].path
