"""Starting a call from the case page: the rules are checked *before* the number is dialled.

`call_start` runs the same pure compliance check as logging (cases/compliance/engine.py,
fed by the same one query of the case's attempts) at the moment of dialling. A refusal
writes its `ComplianceRefusal` and raises `ComplianceRefused` naming the rule and the
numbers; a supervisor's override covering the broken rules is spent here, as at logging.
An allowed dial writes a `CallLog` in the *started* state (the number, the time, the
party the number belongs to; no outcome yet): it counts as an attempt from that moment,
and logging the call (`call_log(started_call=…)`) fills in that same row, so a dialled
and logged call is one attempt, never two.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.compliance import engine
from cases.compliance.checks import ComplianceRefused, contact_check, refusal_record
from cases.models import CallLog, Case, ContactPoint, Party
from cases.services.calls import _case_for_call, _contact_point_for_call
from collections_office.personal_data import mask_phone

# Who a number's owner is, as the rules read the party of a dialled call: the debtor on
# the debtor's own numbers, the relative/colleague/other on theirs (the strictest
# reading: a third-party number is judged as a third-party contact).
PARTY_OF_RELATION = {
    ContactPoint.Relation.DEBTOR: Party.DEBTOR,
    ContactPoint.Relation.RELATIVE: Party.RELATIVE,
    ContactPoint.Relation.COLLEAGUE: Party.COLLEAGUE,
}


def open_started_call(*, case: Case, collector) -> CallLog | None:
    """The collector's call on the case that was dialled and not logged yet (one query)."""
    return (
        CallLog.objects.filter(
            case_id=case.pk, collector_id=collector.pk, status=CallLog.Status.STARTED
        )
        .select_related("contact_point")
        .order_by("-started_at", "-pk")
        .first()
    )


def call_start(*, case: Case, actor, contact_point: ContactPoint | int) -> CallLog:
    """`actor` dials `contact_point` on `case` now: a started call, or `ComplianceRefused`.

    Refused as well (ValidationError): a number that is not a valid phone of the case's
    debtor, a closed case, and a second dial while the actor's previous call on the case
    is not logged yet (each dial must be logged: it is an attempt). Http404 for a case
    or a number the actor may not see; PermissionDenied for another collector's case.
    """
    now = timezone.now()
    point = None
    try:
        with transaction.atomic():
            locked = _case_for_call(case=case, actor=actor)
            point = _contact_point_for_call(case=locked, contact_point=contact_point)
            pending = open_started_call(case=locked, collector=actor)
            if pending is not None:
                raise ValidationError(
                    {
                        "contact_point": _(
                            "Log your call to %(number)s started at %(time)s first: "
                            "every dialled call is an attempt and is logged."
                        )
                        % {
                            "number": mask_phone(pending.contact_point.value),
                            "time": date_format(timezone.localtime(pending.started_at), "H:i"),
                        }
                    }
                )
            party = PARTY_OF_RELATION.get(point.relation, Party.OTHER)
            clearance = contact_check(
                case=locked,
                contact_point=point,
                party=party,
                at=now,
                collector=actor,
                record_refusal=False,
            )
            call = CallLog(
                case=locked,
                collector=actor,
                contact_point=point,
                party=party,
                started_at=now,
                status=CallLog.Status.STARTED,
                compliance_override=clearance.override,
            )
            call._history_user = actor
            call._change_reason = (
                f"Dialled under override {clearance.override.pk}"
                if clearance.overridden
                else "Dialled"
            )
            call.save()
    except ComplianceRefused as refused:
        # Recorded after the dial's transaction rolled back, so that the refusal stays.
        refused.refusal = refusal_record(
            case=case,
            collector=actor,
            contact_point=point,
            channel=engine.Channel.CALL,
            decision=refused.decision,
        )
        raise
    return call
