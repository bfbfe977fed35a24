"""The collector's queue table's rows, made as HTML in one pass.

The queue is the page a collector opens between every two calls. Its 50 rows through the
template (a dozen variables, filters and tags each: ~750 template nodes a page) were most
of what rendering the page cost; here each row is one f-string over plain values
(`queue_page_rows`), with the same HTML the template made (`cases/calls/queue.html`) and
the same translated texts. Escaping is `html.escape`, as Django's autoescape does.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext

from ..models import overdue_bucket
from ..selectors import queue as queue_selectors

LATE = "text-danger fw-semibold"


def _shown(value: dt.datetime | None, format_: str) -> str:
    """A time in the current (company's) zone, as the template's `date` filter shows it."""
    return timezone.localtime(value).strftime(format_) if value else ""


def _clocks(row: dict, *, now: dt.datetime, sla: dt.timedelta) -> str:
    """The "Clock" cell's inside: a callback's time, and the first-action clock of a case
    nobody has worked yet."""
    parts = []
    callback = row["next_callback_at"]
    if callback:
        late = LATE if callback <= now else ""
        parts.append(
            f'<div class="{late}"><i class="bi bi-telephone-forward"></i> '
            f"{_shown(callback, '%m-%d %H:%M')}</div>"
        )
    parts.append("\n        ")
    if row["first_action_at"] is None and row["assigned_at"]:
        due = row["assigned_at"] + sla
        if due < now:
            text = gettext("late by %(since)s") % {"since": timesince(due)}
        else:
            text = gettext("%(left)s left") % {"left": timeuntil(due)}
        parts.append(
            f'<div class="{LATE if due < now else ""}" data-testid="first-action-clock">'
            f'<i class="bi bi-stopwatch"></i> {escape(text)}</div>'
        )
    return "".join(parts)


def queue_rows_html(rows: list[dict], *, now: dt.datetime, queue_string: str) -> SafeString:
    """The `<tr>`s of one page of the queue (`queue_page_rows`' dicts, in order)."""
    today = timezone.localdate()
    labels = queue_selectors.reason_labels()
    sla = dt.timedelta(minutes=settings.FIRST_ACTION_SLA_MINUTES)
    query = escape(urlencode({"queue": queue_string}))
    html = []
    for row in rows:
        reason = escape(row["queue_reason"])
        label = escape(str(labels.get(row["queue_reason"], row["queue_reason"])))
        url = escape(reverse("cases:case_detail", args=[row["pk"]]))
        bucket = overdue_bucket(row["overdue_since"], today) or "—"
        last_call = _shown(row["last_call_at"], "%Y-%m-%d %H:%M") or "—"
        last_contact = _shown(row["last_contact_at"], "%Y-%m-%d %H:%M") or "—"
        html.append(
            f"""
    <tr data-queue-row data-reason="{reason}">
      <td><span class="badge queue-reason queue-reason-{reason}">{label}</span></td>
      <td><a href="{url}?{query}" data-queue-link>{escape(row["account_no"])}</a></td>
      <td>{escape(row["debtor_name"])}</td>
      <td class="d-none d-md-table-cell">{escape(row["bank_name"])}</td>
      <td class="text-end">{escape(localize(row["total_balance"]))} {escape(row["currency"])}</td>
      <td class="d-none d-md-table-cell">{escape(str(bucket))}</td>
      <td class="d-none d-lg-table-cell">{last_call}</td>
      <td class="d-none d-lg-table-cell">{last_contact}</td>
      <td class="small">
        {_clocks(row, now=now, sla=sla)}
      </td>
    </tr>
  """
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
