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
from django.utils.translation import gettext, pgettext

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


def _csrf(token) -> str:
    """`{% csrf_token %}` with the page's token (one masked token for the whole page)."""
    if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker, not a secret)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_text(token)}">'


def _person(user) -> str:
    return _text(user.get_full_name() or user.username)


def _invalidate_form(point, *, case_pk, csrf: str, open_: bool, invalid_form) -> str:
    """The "Mark invalid…" toggle and its form (open, with the refused reason, after a
    refused attempt on this number)."""
    pk = _text(point.pk)
    url = conditional_escape(
        reverse("cases:casepage_contact_point_invalid", args=[case_pk, point.pk])
    )
    refused = open_ and invalid_form is not None
    is_invalid = " is-invalid" if refused and invalid_form.errors else ""
    reason = _text(invalid_form.data.get("reason", "")) if refused else ""
    errors = (
        "".join(
            f'<div class="invalid-feedback d-block" data-field="reason">{_text(error)}</div>'
            for error in invalid_form["reason"].errors
        )
        if refused
        else ""
    )
    return f"""
          <button class="btn btn-sm btn-link text-danger p-0 ms-1" type="button" data-bs-toggle="collapse" data-bs-target="#invalidate-{pk}" aria-expanded="{"true" if open_ else "false"}" aria-controls="invalidate-{pk}" id="invalid-toggle-{pk}">{_text(gettext("Mark invalid…"))}</button>
          <form method="post" action="{url}" class="collapse{" show" if open_ else ""} mt-1 invalidate-form" id="invalidate-{pk}" novalidate>
            {csrf}
            <div class="d-flex flex-wrap gap-1">
            <input class="form-control form-control-sm w-auto flex-grow-1{is_invalid}" name="reason" id="invalid-reason-{pk}" placeholder="{_text(gettext("Why invalid?"))}" aria-label="{_text(gettext("Why the number is invalid"))}" maxlength="255" value="{reason}">
            <button class="btn btn-sm btn-outline-danger" type="submit" id="mark-invalid-{pk}">{_text(gettext("Mark invalid"))}</button>
            </div>
            {errors}
          </form>
          """  # noqa: E501 (the template's lines)


def contact_point_rows_html(
    points,
    *,
    case_pk: int,
    revealed: bool,
    may_work: bool,
    csrf_token,
    queue: str,
    invalid_point: int | None,
    invalid_form,
) -> SafeString:
    """The `<tr>`s of the contact points' table (`cases/casepage/contact_points.html`):
    the number (masked unless revealed), whose it is, where it came from, and for a
    worker the "Call" and "Mark invalid…" forms."""
    csrf = _csrf(csrf_token)
    call_url = conditional_escape(reverse("cases:call_start", args=[case_pk]))
    open_pk = 0 if invalid_point is None else invalid_point
    html = []
    for point in points:
        pk = _text(point.pk)
        if point.kind == "address":
            shown = point.value if revealed else point.masked
            cell = f'<i class="bi bi-house"></i> {_text(shown)}'
        else:
            shown = point.value if revealed else mask_phone(point.value)
            cell = f'<i class="bi bi-telephone"></i> {_text(shown)}'
        name = f'<div class="small">{_text(point.contact_name)}</div>' if point.contact_name else ""
        added = (
            f'<div class="text-body-secondary">{_person(point.added_by)} · '
            f"{_at(point.created_at)}</div>"
            if point.added_by
            else ""
        )
        if point.is_valid:
            state = "\n          "
            if may_work and point.kind == "phone":
                state += f"""
          <form method="post" action="{call_url}" class="d-inline call-start-form">{csrf}<input type="hidden" name="contact_point" value="{pk}"><input type="hidden" name="queue" value="{_text(queue)}">
            <button class="btn btn-sm btn-success py-0 me-1" type="submit" id="call-start-{pk}" title="{_text(gettext("The rules are checked before you dial"))}"><i class="bi bi-telephone-outbound"></i> {_text(pgettext("dial", "Call"))}</button></form>
          """  # noqa: E501
            state += (
                f'\n          <span class="badge text-bg-success">{_text(gettext("valid"))}</span>'
                "\n          "
            )
            if may_work:
                state += "\n          " + _invalidate_form(
                    point,
                    case_pk=case_pk,
                    csrf=csrf,
                    open_=open_pk == point.pk,
                    invalid_form=invalid_form,
                )
                state += "\n          "
            state += "\n        "
        else:
            by = (
                f'<div class="small text-body-secondary">{_person(point.invalidated_by)} · '
                f"{_at(point.invalidated_at)}</div>"
                if point.invalidated_at
                else ""
            )
            state = (
                f'\n          <span class="badge text-bg-secondary">{_text(gettext("invalid"))}'
                f'</span>\n          <div class="small">{_text(point.invalid_reason)}</div>'
                f"\n          {by}\n        "
            )
        html.append(
            f"""
    <tr data-contact-point="{pk}" class="{"" if point.is_valid else "text-body-secondary"}">
      <td class="masked">{cell}</td>
      <td>{_text(point.get_relation_display())}{name}</td>
      <td class="d-none d-md-table-cell small">{_text(point.get_source_display())}{added}</td>
      <td>
        {state}
      </td>
    </tr>
    """
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
