"""The assessment pages: who sees what (own results, HR their branch, HQ HR all, another
branch 404), HR's weights form, the reviewer's scoring form, the exports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from staff import roles
from staff.assessment.services import round_finalise, template_create
from staff.models import Assessment, AssessmentItem, AssessmentKind, AssessmentSection, Position
from tests.factories import make_staff

from .conftest import compute
from .helpers import score_all, year_round

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(hq_hr, branch_one, branch_two, fake_figures_function):
    one = make_staff(
        roles.PHONE_COLLECTOR, branch=branch_one, username="one", position=Position.MID_COLLECTOR
    )
    two = make_staff(
        roles.PHONE_COLLECTOR, branch=branch_two, username="two", position=Position.MID_COLLECTOR
    )
    # A name a spreadsheet would run as a formula.
    one.first_name, one.last_name = "=HYPERLINK(1)", "X"
    one.save()
    fake_figures_function.update({one.pk: {"amount": 400000}, two.pk: {"amount": 100000}})
    template = template_create(kind=AssessmentKind.ANNUAL_COLLECTOR, year=2025, actor=hq_hr)
    round_ = year_round(template, hq_hr)
    compute(round_)
    score_all(
        round_,
        hq_hr,
        {one.pk: {"Capability": 4, "Attitude": 4}, two.pk: {"Capability": 3, "Attitude": 3}},
    )
    round_finalise(round=round_, actor=hq_hr)
    return {
        "round": round_,
        "one": Assessment.objects.get(round=round_, subject=one),
        "two": Assessment.objects.get(round=round_, subject=two),
        "branch_one": branch_one,
        "template": template,
    }


def test_a_person_sees_their_own_results_and_nobody_elses(world):
    one = world["one"]
    client = client_for(one.subject)
    assert client.get(reverse("staff:assessment_detail", args=[one.pk])).status_code == 200
    assert client.get(reverse("staff:assessment_detail", args=[world["two"].pk])).status_code == 404
    assert (
        client.get(reverse("staff:assessment_round", args=[world["round"].pk])).status_code == 403
    )
    page = client.get(reverse("staff:assessments")).content.decode()
    assert str(one.total) in page
    history = client.get(reverse("staff:assessment_person", args=[one.subject_id]))
    assert history.status_code == 200 and "history-chart" in history.content.decode()
    other = reverse("staff:assessment_person", args=[world["two"].subject_id])
    assert client.get(other).status_code == 404


def test_branch_hr_sees_their_branch_and_hq_hr_sees_all(world, hq_hr):
    branch_hr = make_staff(roles.HR, branch=world["branch_one"])
    client = client_for(branch_hr)
    assert client.get(reverse("staff:assessment_detail", args=[world["one"].pk])).status_code == 200
    assert client.get(reverse("staff:assessment_detail", args=[world["two"].pk])).status_code == 404
    rows = client.get(reverse("staff:assessment_round", args=[world["round"].pk])).content.decode()
    assert "Branch one" in rows and "Branch two" not in rows
    hq = client_for(hq_hr)
    rows = hq.get(reverse("staff:assessment_round", args=[world["round"].pk])).content.decode()
    assert "Branch one" in rows and "Branch two" in rows
    assert 'id="distribution-chart"' in rows


def test_the_csv_export_holds_the_visible_rows_with_formulas_escaped(world, hq_hr):
    response = client_for(hq_hr).get(
        reverse("staff:assessment_round_export", args=[world["round"].pk, "csv"])
    )
    assert response["Cache-Control"] == "private, no-store"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Employee no.", "Name", "Branch", "Status", "Total"]
    names = {row[1] for row in rows[1:]}
    assert "'=HYPERLINK(1) X" in names
    assert len(rows) == 3
    xlsx = client_for(hq_hr).get(
        reverse("staff:assessment_round_export", args=[world["round"].pk, "xlsx"])
    )
    assert xlsx.status_code == 200


def test_branch_hr_may_not_change_the_company_weights(world):
    branch_hr = make_staff(roles.HR, branch=world["branch_one"])
    url = reverse("staff:assessment_template", args=[world["template"].pk])
    assert client_for(branch_hr).post(url, {}).status_code == 403


def test_hr_saves_weights_and_a_wrong_sum_is_shown_on_the_page(hq_hr):
    template = template_create(kind=AssessmentKind.ANNUAL_COLLECTOR, year=2026, actor=hq_hr)
    url = reverse("staff:assessment_template", args=[template.pk])
    client = client_for(hq_hr)
    page = client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    performance = AssessmentSection.objects.get(template=template, name="Performance")
    capability = AssessmentSection.objects.get(template=template, name="Capability")
    data[f"section_{performance.pk}"] = "70"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "add up to 110%" in response.content.decode()
    data[f"section_{capability.pk}"] = "15"
    response = client.post(url, data)
    assert response.status_code == 302
    performance.refresh_from_db()
    assert performance.weight == Decimal("70")


def test_a_reviewer_scores_on_the_page_and_an_out_of_scale_score_is_refused(hq_hr, branch_one):
    person = make_staff(branch=branch_one, position=Position.JUNIOR_COLLECTOR)
    supervisor = make_staff(roles.SUPERVISOR, branch=branch_one)
    template = template_create(kind=AssessmentKind.ANNUAL_COLLECTOR, year=2025, actor=hq_hr)
    round_ = year_round(template, hq_hr)
    compute(round_)
    assessment = Assessment.objects.get(round=round_, subject=person)
    items = AssessmentItem.objects.filter(section__template=template, indicator="")
    url = reverse("staff:assessment_detail", args=[assessment.pk])
    client = client_for(supervisor)
    data = {f"score_{item.pk}": "4" for item in items}
    data[f"score_{items[0].pk}"] = "9"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Scores run from 1 to 5" in response.content.decode()
    assert not assessment.results.filter(score__isnull=False).exists()  # nothing half-written
    data[f"score_{items[0].pk}"] = "5"
    assert client.post(url, data).status_code == 302
    assert assessment.results.filter(score__isnull=False).count() == items.count()
    # The person themselves has no form and sees nothing before finalisation.
    assert client_for(person).get(url).status_code == 404
