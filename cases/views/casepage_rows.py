"""The case page's repeated rows (the calls panel's recent calls, the timeline's entries),
made as HTML in one pass, as the queue's rows are (`queue_rows.py`).

Through the template each row was a dozen variables, filters, tags and an `{% url %}`:
the calls panel and the timeline spent about 1.5 ms of a page's CPU on ~30 rows. Here
each row is one f-string with the HTML the template made (a test renders both and
compares them) and the same translated texts. Every value goes through `_text`, which
is what a template's `{{ value }}` does: local time, localised numbers, autoescape.
"""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from collections_office.personal_data import mask_phone

from ..models import CallLog

MINUTE = "Y-m-d H:i"


def _text(value) -> str:
    """`{{ value }}` in a template (None shows as "None", as the template shows it)."""
    return conditional_escape(str(localize(template_localtime(value))))


def _at(value) -> str:
    """`{{ value|date:"Y-m-d H:i" }}`: in the current (company's) zone; "" for none."""
    return conditional_escape(date_filter(template_localtime(value), MINUTE))


def _call_state(call: CallLog) -> str:
    if call.status == CallLog.Status.STARTED:
        started = _text(gettext("dialled, not logged yet"))
        html = f'<span class="badge text-bg-info">{started}</span>'
    else:
        html = _text(call.outcome)
    if call.status == CallLog.Status.DRAFT:
        html += f' <span class="badge text-bg-warning">{_text(gettext("draft"))}</span>'
    if call.compliance_override_id:
        html += f' <span class="badge text-bg-info">{_text(gettext("override"))}</span>'
    return html


def _recording(call: CallLog) -> str:
    if call.recording:
        url = conditional_escape(reverse("cases:call_recording", args=[call.pk]))
        return f'<audio class="call-audio" controls preload="none" src="{url}"></audio>'
    if call.telephony_recording_id:
        return f'<span class="small text-muted">PBX {_text(call.telephony_recording_id)}</span>'
    return ""


def recent_calls_html(calls: list[CallLog]) -> SafeString:
    """The `<tr>`s of the calls panel's "Recent calls" (`cases/calls/_panel.html`)."""
    html = []
    for call in calls:
        url = conditional_escape(reverse("cases:call_detail", args=[call.pk]))
        html.append(
            f"""
      <tr data-call="{_text(call.pk)}">
        <td class="text-nowrap"><a href="{url}">{_at(call.started_at)}</a></td>
        <td class="masked">{_text(mask_phone(call.contact_point.value))}</td>
        <td>{_text(call.get_party_display())}</td>
        <td>{_call_state(call)}</td>
        <td class="text-end text-nowrap">{_text(call.duration_seconds)} s</td>
        <td>{_recording(call)}</td>
      </tr>
    """
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


def timeline_rows_html(entries) -> SafeString:
    """The `<li>`s of a page of the timeline (`cases/casepage/timeline.html`)."""
    html = []
    for entry in entries:
        title = _text(entry.title)
        if entry.url:
            title = f'<a href="{_text(entry.url)}">{title}</a>'
        detail = (
            f'<div class="small text-body-secondary">{_text(entry.detail)}</div>'
            if entry.detail
            else ""
        )
        actor = f"<div>{_text(entry.actor)}</div>" if entry.actor else ""
        html.append(
            f"""
    <li class="timeline-entry border-top py-2 d-flex gap-2" data-kind="{_text(entry.kind)}">
      <i class="bi bi-{_text(entry.icon)} text-body-secondary"></i>
      <div class="flex-grow-1">
        <div>{title}</div>
        {detail}
      </div>
      <div class="small text-body-secondary text-end text-nowrap">{_at(entry.at)}{actor}</div>
    </li>
  """
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
