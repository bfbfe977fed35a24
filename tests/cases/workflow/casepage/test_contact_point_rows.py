"""The contact points' rows made in Python (casepage_rows.contact_point_rows_html, through
the `contact_point_rows` tag) are the HTML the template loop made, in every state: masked
or revealed, worker or not, a refused "mark invalid" open with its error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from cases.models import Case, ContactPoint
from cases.views.casepage import ReasonForm

OLD_LOOP = """{% load i18n ui %}{% for point in contact_points %}
    <tr data-contact-point="{{ point.pk }}" class="{% if not point.is_valid %}text-body-secondary{% endif %}">
      <td class="masked">{% if point.kind == "address" %}<i class="bi bi-house"></i> {% if revealed %}{{ point.value }}{% else %}{{ point.masked }}{% endif %}{% else %}<i class="bi bi-telephone"></i> {% if revealed %}{{ point.value }}{% else %}{{ point.value|mask_phone }}{% endif %}{% endif %}</td>
      <td>{{ point.get_relation_display }}{% if point.contact_name %}<div class="small">{{ point.contact_name }}</div>{% endif %}</td>
      <td class="d-none d-md-table-cell small">{{ point.get_source_display }}{% if point.added_by %}<div class="text-body-secondary">{{ point.added_by.get_full_name|default:point.added_by.username }} · {{ point.created_at|date:"Y-m-d H:i" }}</div>{% endif %}</td>
      <td>
        {% if point.is_valid %}
          {% if may_work and point.kind == "phone" %}
          <form method="post" action="{% url 'cases:call_start' case.pk %}" class="d-inline call-start-form">{% csrf_token %}<input type="hidden" name="contact_point" value="{{ point.pk }}"><input type="hidden" name="queue" value="{{ request.GET.queue }}">
            <button class="btn btn-sm btn-success py-0 me-1" type="submit" id="call-start-{{ point.pk }}" title="{% translate 'The rules are checked before you dial' %}"><i class="bi bi-telephone-outbound"></i> {% translate "Call" context "dial" %}</button></form>
          {% endif %}
          <span class="badge text-bg-success">{% translate "valid" %}</span>
          {% if may_work %}
          {% with open=invalid_point|default_if_none:0 %}
          <button class="btn btn-sm btn-link text-danger p-0 ms-1" type="button" data-bs-toggle="collapse" data-bs-target="#invalidate-{{ point.pk }}" aria-expanded="{% if open == point.pk %}true{% else %}false{% endif %}" aria-controls="invalidate-{{ point.pk }}" id="invalid-toggle-{{ point.pk }}">{% translate "Mark invalid…" %}</button>
          <form method="post" action="{% url 'cases:casepage_contact_point_invalid' case.pk point.pk %}" class="collapse{% if open == point.pk %} show{% endif %} mt-1 invalidate-form" id="invalidate-{{ point.pk }}" novalidate>
            {% csrf_token %}
            <div class="d-flex flex-wrap gap-1">
            <input class="form-control form-control-sm w-auto flex-grow-1{% if open == point.pk and invalid_form.errors %} is-invalid{% endif %}" name="reason" id="invalid-reason-{{ point.pk }}" placeholder="{% translate 'Why invalid?' %}" aria-label="{% translate 'Why the number is invalid' %}" maxlength="255" value="{% if open == point.pk %}{{ invalid_form.data.reason }}{% endif %}">
            <button class="btn btn-sm btn-outline-danger" type="submit" id="mark-invalid-{{ point.pk }}">{% translate "Mark invalid" %}</button>
            </div>
            {% if open == point.pk %}{% for error in invalid_form.reason.errors %}<div class="invalid-feedback d-block" data-field="reason">{{ error }}</div>{% endfor %}{% endif %}
          </form>
          {% endwith %}
          {% endif %}
        {% else %}
          <span class="badge text-bg-secondary">{% translate "invalid" %}</span>
          <div class="small">{{ point.invalid_reason }}</div>
          {% if point.invalidated_at %}<div class="small text-body-secondary">{{ point.invalidated_by.get_full_name|default:point.invalidated_by.username }} · {{ point.invalidated_at|date:"Y-m-d H:i" }}</div>{% endif %}
        {% endif %}
      </td>
    </tr>
    {% endfor %}"""  # noqa: E501 (the template's lines as they were)

AT = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)


def _points() -> list[ContactPoint]:
    clerk = User(username="clerk", first_name="Fang", last_name="Wang")
    nameless = User(username="li<lei>")
    points = [
        ContactPoint(pk=11, kind="phone", value="+8613812345678", is_valid=True,
                     relation="debtor", contact_name="", source="placement", created_at=AT),
        ContactPoint(pk=12, kind="phone", value="13900001111", is_valid=True,
                     relation="relative", contact_name='sister "Fang" <x>', source="debtor",
                     added_by=clerk, created_at=AT),
        ContactPoint(pk=13, kind="address", value="1 Road <B> & Co, Beijing", is_valid=True,
                     relation="debtor", contact_name="", source="debtor", added_by=nameless,
                     created_at=AT),
        ContactPoint(pk=14, kind="phone", value="13700002222", is_valid=False,
                     relation="colleague", contact_name="", source="debtor",
                     invalid_reason="wrong <number>",
                     invalidated_by=nameless, invalidated_at=AT, created_at=AT),
        ContactPoint(pk=15, kind="phone", value="13600003333", is_valid=False,
                     relation="debtor", contact_name="", source="debtor", invalid_reason="",
                     created_at=AT),
    ]  # fmt: skip
    for point in points:
        point.masked = "1 Road ***" if point.kind == "address" else None
    return points


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("revealed", [False, True])
@pytest.mark.parametrize("may_work", [False, True])
@pytest.mark.parametrize("refused", [False, True])
def test_the_contact_point_rows_are_the_rows_the_template_made(
    language, revealed, may_work, refused
):
    request = RequestFactory().get("/cases/5/", {"queue": 'bank=1&q="x"'})
    invalid_form = ReasonForm({"reason": "<" + "x" * 600}) if refused else None
    if invalid_form is not None:
        assert not invalid_form.is_valid()
    context = {
        "request": request,
        "csrf_token": "tok<en>",
        "case": Case(pk=5),
        "contact_points": _points(),
        "revealed": revealed,
        "may_work": may_work,
        "invalid_point": 12 if refused else None,
        "invalid_form": invalid_form,
    }
    with translation.override(language), timezone.override("Asia/Shanghai"):
        expected = Template(OLD_LOOP).render(Context(context))
        made = Template("{% load casepage %}{% contact_point_rows %}").render(Context(context))
    assert made == expected
    assert ("+8613812345678" in made) == revealed
    assert ("call-start-11" in made) == may_work
    assert ("is-invalid" in made) == (may_work and refused)
    assert "2026-12-01 01:05" in made and "&lt;" in made
