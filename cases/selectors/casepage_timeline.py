"""Timeline sources of the case page: the case's own history, contact points, holds, reveals.

Each source is one indexed query (case history by case id, contact points by debtor,
holds by case, reveals by (content type, object id)) and returns its newest entries.
Assignment changes are told by the assignment area's source, calls by the call log's.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef
from django.db.models.functions import Cast
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases import access
from cases.models import Case, ContactPoint
from cases.timeline import TimelineEntry, timeline_source
from staff.models import PersonalDataView
from staff.selectors import has_role
from staff.stored_text import shown_in_language

from .casepage import BALANCE_FIELDS, mask_address
from .casepage_data import case_page_data, case_row_kind


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _money(value) -> str:
    return f"{value:,.2f}"


@timeline_source("case")
def case_history_source(case, user, limit: int) -> list[TimelineEntry]:
    """Placement, bank balance updates, status changes (recall, settlement), classification."""
    rows = case_page_data(case).history_changes(limit)
    labels = {name: capfirst(Case._meta.get_field(name).verbose_name) for name in BALANCE_FIELDS}
    entries: list[TimelineEntry] = []
    for row in rows:
        actor = _name(row.history_user)
        reason = shown_in_language(row.history_change_reason or "")
        if row.history_type == "+":
            entries.append(
                TimelineEntry(
                    at=row.history_date,
                    kind="placed",
                    title=_("Placed by the bank: balance %(balance)s %(currency)s")
                    % {
                        "balance": _money(row.principal + row.interest + row.fees),
                        "currency": row.currency,
                    },
                    detail=reason,
                    actor=actor,
                )
            )
            continue
        changes = [
            f"{labels[name]}: {_money(getattr(row, f'previous_{name}'))} → "
            f"{_money(getattr(row, name))}"
            for name in BALANCE_FIELDS
            if getattr(row, name) != getattr(row, f"previous_{name}")
        ]
        if changes:
            entries.append(
                TimelineEntry(
                    at=row.history_date,
                    kind="balance",
                    title=_("Balances updated"),
                    detail=" · ".join([*changes, reason] if reason else changes),
                    actor=actor,
                    extra={"changes": changes},
                )
            )
        # new → assigned comes with the assignment, which the assignment source tells.
        if row.status != row.previous_status and row.assigned_to_id == row.previous_assigned_to_id:
            entries.append(
                TimelineEntry(
                    at=row.history_date,
                    kind="recall" if row.status == Case.Status.RECALLED else "status",
                    title=_("Status: %(old)s → %(new)s")
                    % {
                        "old": Case.Status(row.previous_status).label,
                        "new": Case.Status(row.status).label,
                    },
                    detail=reason,
                    actor=actor,
                )
            )
        if row.classification != row.previous_classification:
            title = (
                _("Classified: %(label)s")
                % {"label": Case.Classification(row.classification).label}
                if row.classification
                else _("Classification removed")
            )
            entries.append(
                TimelineEntry(
                    at=row.history_date,
                    kind="classification",
                    title=title,
                    detail=reason,
                    actor=actor,
                )
            )
    return entries


def _shown_value(point: ContactPoint, revealed: bool) -> str:
    if revealed:
        return point.value
    if point.kind == ContactPoint.Kind.ADDRESS:
        return mask_address(point.value)
    from collections_office.personal_data import mask_phone

    return mask_phone(point.value)


@timeline_source("contact_point")
def contact_point_source(case, user, limit: int) -> list[TimelineEntry]:
    """Numbers and addresses added (by whom, from which source) and marked invalid (why)."""
    # The page reads every contact point anyway (its table lists them): no query here.
    points = sorted(
        case_page_data(case).contact_points,
        key=lambda point: max(point.created_at, point.invalidated_at or point.created_at),
        reverse=True,
    )[:limit]
    entries: list[TimelineEntry] = []
    for point in points:
        shown = _shown_value(point, revealed=False)
        entries.append(
            TimelineEntry(
                at=point.created_at,
                kind="contact_added",
                title=_("%(kind)s added: %(value)s (%(relation)s)")
                % {
                    "kind": point.get_kind_display(),
                    "value": shown,
                    "relation": point.get_relation_display(),
                },
                detail=point.get_source_display()
                + (f" · {point.contact_name}" if point.contact_name else ""),
                actor=_name(point.added_by),
            )
        )
        if point.invalidated_at is not None:
            entries.append(
                TimelineEntry(
                    at=point.invalidated_at,
                    kind="contact_invalid",
                    title=_("%(kind)s marked invalid: %(value)s")
                    % {"kind": point.get_kind_display(), "value": shown},
                    detail=point.invalid_reason,
                    actor=_name(point.invalidated_by),
                )
            )
    return entries


@timeline_source("hold")
def hold_source(case, user, limit: int) -> list[TimelineEntry]:
    """Holds placed and lifted, with who and why."""
    holds = sorted(
        case_page_data(case).holds(limit),
        key=lambda hold: hold.lifted_at or hold.placed_at,
        reverse=True,
    )[:limit]
    entries: list[TimelineEntry] = []
    for hold in holds:
        entries.append(
            TimelineEntry(
                at=hold.placed_at,
                kind="hold_placed",
                title=_("Hold placed: %(kind)s — no contact") % {"kind": hold.get_kind_display()},
                detail=hold.reason,
                actor=_name(hold.placed_by),
            )
        )
        if hold.lifted_at is not None:
            entries.append(
                TimelineEntry(
                    at=hold.lifted_at,
                    kind="hold_lifted",
                    title=_("Hold lifted: %(kind)s") % {"kind": hold.get_kind_display()},
                    detail=hold.lift_reason,
                    actor=_name(hold.lifted_by),
                )
            )
    return entries


# By the content type's natural key, not its id: the presence query's SQL is compiled
# once per process, and a flushed test database gives content types new ids.
case_row_kind(
    "reveals",
    lambda: PersonalDataView.objects.filter(
        content_type__app_label=Case._meta.app_label,
        content_type__model=Case._meta.model_name,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    ),
)


@timeline_source("reveal")
def reveal_source(case, user, limit: int) -> list[TimelineEntry]:
    """Who saw the debtor's personal data in full: supervisors only (they audit it)."""
    if not has_role(user, *access.CASE_SUPERVISOR_ROLES):
        return []
    if not case_page_data(case).has("reveals"):
        return []
    views = (
        PersonalDataView.objects.filter(
            content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk)
        )
        .select_related("user")
        .order_by("-viewed_at")[:limit]
    )
    return [
        TimelineEntry(
            at=view.viewed_at,
            kind="reveal",
            title=_("Personal data shown in full"),
            detail=view.fields,
            actor=_name(view.user),
        )
        for view in views
    ]
