"""The case page's rows made in Python (cases/views/casepage_rows.py) are the HTML the
templates made: the old template loops are kept here and rendered beside them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from cases.models import CallLog, CallOutcome, ContactPoint
from cases.timeline import TimelineEntry
from cases.views.casepage_rows import recent_calls_html, timeline_rows_html

CALL_ROWS = """{% load i18n ui %}{% for call in panel.calls %}
      <tr data-call="{{ call.pk }}">
        <td class="text-nowrap"><a href="{% url 'cases:call_detail' call.pk %}">{{ call.started_at|date:"Y-m-d H:i" }}</a></td>
        <td class="masked">{{ call.contact_point.value|mask_phone }}</td>
        <td>{{ call.get_party_display }}</td>
        <td>{% if call.status == "started" %}<span class="badge text-bg-info">{% translate "dialled, not logged yet" %}</span>{% else %}{{ call.outcome }}{% endif %}{% if call.status == "draft" %} <span class="badge text-bg-warning">{% translate "draft" %}</span>{% endif %}{% if call.compliance_override_id %} <span class="badge text-bg-info">{% translate "override" %}</span>{% endif %}</td>
        <td class="text-end text-nowrap">{{ call.duration_seconds }} s</td>
        <td>{% if call.recording %}<audio class="call-audio" controls preload="none" src="{% url 'cases:call_recording' call.pk %}"></audio>{% elif call.telephony_recording_id %}<span class="small text-muted">PBX {{ call.telephony_recording_id }}</span>{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501 (the template's lines as they were)

TIMELINE_ROWS = """{% for entry in timeline.entries %}
    <li class="timeline-entry border-top py-2 d-flex gap-2" data-kind="{{ entry.kind }}">
      <i class="bi bi-{{ entry.icon }} text-body-secondary"></i>
      <div class="flex-grow-1">
        <div>{% if entry.url %}<a href="{{ entry.url }}">{{ entry.title }}</a>{% else %}{{ entry.title }}{% endif %}</div>
        {% if entry.detail %}<div class="small text-body-secondary">{{ entry.detail }}</div>{% endif %}
      </div>
      <div class="small text-body-secondary text-end text-nowrap">{{ entry.at|date:"Y-m-d H:i" }}{% if entry.actor %}<div>{{ entry.actor }}</div>{% endif %}</div>
    </li>
  {% endfor %}"""  # noqa: E501

AT = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)  # 01:05 on Dec 1 in Shanghai


def _calls() -> list[CallLog]:
    outcome = CallOutcome(code="no_answer", label="No <answer> & co", label_zh="无人接听")
    point = ContactPoint(value="+8613812345678")
    return [
        CallLog(pk=1, status="completed", started_at=AT, contact_point=point, outcome=outcome,
                party="debtor", duration_seconds=1234, recording="calls/a.amr"),
        CallLog(pk=2, status="draft", started_at=AT - dt.timedelta(days=3), contact_point=point,
                outcome=outcome, party="relative", duration_seconds=0,
                telephony_recording_id='PBX-"7"<x>', compliance_override_id=9),
        CallLog(pk=3, status="started", started_at=AT, contact_point=point, outcome=None,
                party="other", duration_seconds=0),
        CallLog(pk=4, status="completed", started_at=AT, contact_point=point, outcome=None,
                party="colleague", duration_seconds=61),
    ]  # fmt: skip


def _entries() -> list[TimelineEntry]:
    return [
        TimelineEntry(at=AT, kind="call", title="Call to <b>138****5678</b> & more",
                      detail='notes "quoted" <i>', actor="Wang Fang", url="/c/1/?a=1&b=2"),
        TimelineEntry(at=AT - dt.timedelta(hours=9), kind="hold", title=mark_safe("<em>safe</em>")),
        TimelineEntry(at=AT - dt.timedelta(days=30), kind="promise", title="Promise", detail="",
                      actor="", extra={"icon": "calendar-check"}),
        TimelineEntry(at=None, kind="unknown-kind", title="No time"),
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_recent_calls_are_the_rows_the_template_made(language):
    with translation.override(language), timezone.override("Asia/Shanghai"):
        calls = _calls()
        expected = Template(CALL_ROWS).render(Context({"panel": {"calls": calls}}))
        assert recent_calls_html(calls) == expected
    assert "2026-12-01 01:05" in expected
    assert "&lt;answer&gt; &amp; co" in expected or "无人接听" in expected
    assert "1,234 s" in expected or "1234 s" in expected
    assert recent_calls_html([]) == ""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_timeline_entries_are_the_rows_the_template_made(language):
    with translation.override(language), timezone.override("Asia/Shanghai"):
        entries = _entries()
        expected = Template(TIMELINE_ROWS).render(Context({"timeline": {"entries": entries}}))
        assert timeline_rows_html(entries) == expected
    assert "&lt;b&gt;" in expected and "<em>safe</em>" in expected
    assert "a=1&amp;b=2" in expected and "bi-calendar-check" in expected
