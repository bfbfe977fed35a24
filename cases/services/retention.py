"""The retention purge (DESIGN §4.1, §8): list, ask, then delete in batches.

`retention_review` (the daily job, a report kind on the schedules beat reads) finds the
agreements past their retention end, writes the dry-run list of what would be deleted and
asks headquarters' admin staff for approval through the approvals registry. The system
asks (a service account), a person decides: maker-checker holds. On approval
`purge_execute` (a Celery task) deletes in batches of cases: each batch deletes its files
first (deleting a missing file does nothing), then its rows, their history rows and the
rows naming them, in one transaction that also adds to the purge's counts — a worker
killed mid-way leaves whole batches done and the next run carries on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import retention as graph
from cases.models import Agreement, RetentionPurge
from collections_office.run_locks import run_lock, runs_alive
from collections_office.workdays import company_today
from staff.stored_text import in_english

logger = logging.getLogger(__name__)

APPROVAL_KIND = "cases.retention_purge"
RUN_LOCK_NAMESPACE = 7310
SYSTEM_USERNAME = "system.retention"
BATCH = 200  # cases (or other root rows) per transaction
DRY_RUN_BATCH = 1000
LISTED_FILES = 200  # file names kept on the dry-run list (the count is always whole)
REASK_AFTER_DAYS = 30  # a refused list is asked again after this long
STALLED_AFTER = dt.timedelta(minutes=5)
OPEN_STATUSES = ("waiting", "approved")
# History reasons are stored in English and shown in the reader's language (stored_text).
REASON_LISTED = gettext_noop("Dry-run list made by the daily retention review")
REASON_APPROVED = gettext_noop("Purge approved")
REASON_REFUSED = gettext_noop("Purge refused")
REASON_FINISHED = gettext_noop("Purge finished")

# Notification links that name a row: route → model label (the route's one argument).
NOTIFICATION_ROUTES = {
    "cases:case_detail": "cases.Case",
    "cases:visit_report": "cases.VisitReport",
    "cases:safety_alert": "cases.SafetyAlert",
    "cases:procedure": "cases.SpecialProcedure",
}
# Values that identify a person in a report result's rows: a result listing one of the
# purged ones is deleted with its files (the kinds today list staff, not debtors).
IDENTIFYING_FIELDS = {"cases.Debtor": ("name",), "cases.Case": ("account_no",)}


def system_requester():
    """The service account the daily job asks in the name of (it cannot sign in)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def agreements_past_retention(today: dt.date) -> list[Agreement]:
    candidates = Agreement.objects.filter(terminates_on__isnull=False, terminates_on__lt=today)
    return [
        agreement
        for agreement in candidates.select_related("bank").order_by("pk")
        if agreement.retention_ends_on is not None and agreement.retention_ends_on < today
    ]


def _start_rows(agreement, root_model, root_field, *, limit: int, after=None) -> list:
    rows = root_model._base_manager.filter(**{root_field.attname: agreement.pk})
    if after is not None:
        rows = rows.filter(pk__gt=after)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def retention_plan(agreement: Agreement) -> tuple[dict[str, int], list[str], int]:
    """The dry run: rows per model (history rows apart) and the stored files the purge of
    `agreement` would delete, without deleting anything."""
    graph.check_classification()
    counts: Counter = Counter()
    files: set[tuple[str, str]] = set()
    for root_model, root_field in graph.root_models():
        after = None
        while True:
            pks = _start_rows(agreement, root_model, root_field, limit=DRY_RUN_BATCH, after=after)
            if not pks:
                break
            after = pks[-1]
            doomed = graph.collect({root_model: pks}, listing_agreement=agreement.pk)
            doomed.rows.update(graph.generic_rows(doomed))
            counts.update(doomed.counts())
            files |= _files_of(doomed)
    names = sorted(f"{alias}:{name}" for alias, name in files)
    return dict(sorted(counts.items())), names[:LISTED_FILES], len(names)


def _files_of(doomed: graph.Doomed) -> set[tuple[str, str]]:
    files: set[tuple[str, str]] = set()
    for model, pks in doomed.rows.items():
        if not pks:
            continue
        if graph.file_fields(model) or graph.backup_fields(model):
            for part in graph.chunks(pks):
                files |= graph.stored_files(model, model._base_manager.filter(pk__in=part))
        history = graph.history_model(model)
        if history is not None and (graph.file_fields(model) or graph.backup_fields(model)):
            for query in graph.history_filters(model, doomed):
                files |= graph.stored_files(model, history._base_manager.filter(query))
    return files


def _hq_branch(agreement):
    from staff.models import Branch

    return Branch.objects.filter(is_hq=True).first() or agreement.branch


def retention_review(*, today: dt.date) -> list[RetentionPurge]:
    """The daily job: a dry-run list, and a request for approval, for every agreement past
    its retention end that has data left and no list open (a refused one is asked again
    after REASK_AFTER_DAYS). Twice on a day asks once."""
    from staff.services_approvals import approval_request

    graph.check_classification()
    listed = []
    for agreement in agreements_past_retention(today):
        purges = RetentionPurge.objects.filter(agreement=agreement)
        if purges.filter(
            status__in=[RetentionPurge.Status.WAITING, RetentionPurge.Status.APPROVED]
        ):
            continue
        since = timezone.now() - dt.timedelta(days=REASK_AFTER_DAYS)
        if purges.filter(status=RetentionPurge.Status.REFUSED, decided_at__gte=since).exists():
            continue
        planned, files, file_count = retention_plan(agreement)
        if not planned and not file_count:
            continue  # nothing (left) to delete
        with transaction.atomic():
            Agreement.objects.select_for_update().get(pk=agreement.pk)
            if purges.filter(status__in=OPEN_STATUSES).exists():
                continue  # another review listed it meanwhile
            purge = RetentionPurge(
                agreement=agreement,
                retention_ended_on=agreement.retention_ends_on,
                planned=planned,
                planned_files=files,
                planned_file_count=file_count,
            )
            purge._change_reason = REASON_LISTED
            purge.save()
            branch = _hq_branch(agreement)
            # Stored in English, shown in each reader's language (staff.stored_text).
            summary = in_english(
                gettext_noop(
                    "Purge the data of agreement %(agreement)s (retention ended on %(day)s): "
                    "%(rows)s rows, %(files)s files."
                ),
                agreement=agreement,
                day=agreement.retention_ends_on.isoformat(),
                rows=purge.planned_total,
                files=file_count,
            )
            approval_request(
                kind=APPROVAL_KIND,
                subject=purge,
                branch=branch,
                requested_by=system_requester(),
                summary=summary,
            )
        listed.append(purge)
    return listed


def refuse_decider(approval, user) -> str | None:
    from staff.selectors import sees_all_branches

    if not sees_all_branches(user):
        return _("Only headquarters' admin staff approve a purge.")
    return None


def retention_purge_decided(approval, approved: bool) -> None:
    """The approvals registry's callback, inside the decision's transaction."""
    purge = RetentionPurge.objects.select_for_update().get(pk=int(approval.object_id))
    if purge.status != RetentionPurge.Status.WAITING:
        raise ValidationError(_("This purge list is no longer waiting for a decision."))
    purge.decided_by = approval.decided_by
    purge.decided_at = approval.decided_at
    purge.decision_comment = approval.comment
    if approved:
        ends = purge.agreement.retention_ends_on
        if ends is None or ends >= company_today():
            raise ValidationError(
                _("The agreement's data is kept longer now: this list cannot be approved.")
            )
        purge.status = RetentionPurge.Status.APPROVED
        purge._change_reason = REASON_APPROVED
        purge.save()
        transaction.on_commit(lambda: _queue(purge.pk))
    else:
        purge.status = RetentionPurge.Status.REFUSED
        purge._change_reason = REASON_REFUSED
        purge.save()


def _queue(purge_id: int) -> None:
    from cases.tasks import retention_purge_run

    retention_purge_run.delay(purge_id)


def purge_execute(purge_id: int) -> str:
    """Deletes an approved purge's data, batch by batch; returns its status. Safe to run
    twice and to kill: a batch is one transaction, and a finished purge does nothing."""
    with run_lock("retention-purge", RUN_LOCK_NAMESPACE, purge_id) as held:
        if not held:
            return "busy"
        purge = RetentionPurge.objects.select_related("agreement").get(pk=purge_id)
        if purge.status != RetentionPurge.Status.APPROVED:
            return purge.status
        graph.check_classification()
        if purge.started_at is None:
            RetentionPurge.objects.filter(pk=purge_id).update(started_at=timezone.now())
        agreement = purge.agreement
        results = _report_result_values()
        for root_model, root_field in graph.root_models():
            while True:
                pks = _start_rows(agreement, root_model, root_field, limit=BATCH)
                if not pks:
                    break
                _purge_batch(purge_id, {root_model: pks}, results)
        _purge_agreement_history(purge_id, agreement)
        with transaction.atomic():
            purge = RetentionPurge.objects.select_for_update().get(pk=purge_id)
            purge.status = RetentionPurge.Status.DONE
            purge.finished_at = timezone.now()
            purge.error = ""
            purge._change_reason = REASON_FINISHED
            purge.save()
        return purge.status


def _purge_batch(purge_id: int, start: dict, results: dict) -> None:
    doomed = graph.collect(start)
    doomed.rows.update(graph.generic_rows(doomed))
    files = _files_of(doomed)
    result_ids = _results_naming(doomed, results)
    if result_ids:
        from reporting.models import ReportResult

        for result in ReportResult.objects.filter(pk__in=result_ids):
            for stored in (result.csv_file, result.xlsx_file):
                if stored:
                    files.add(("default", stored.name))
    # Files first: a batch killed after this leaves rows pointing at missing files, which
    # the next run deletes; rows first would leave files nothing points at any more.
    for alias, name in files:
        storages[alias].delete(name)
    deleted: Counter = Counter()
    with transaction.atomic():
        for (model, field_), pks in doomed.unlinked.items():
            for part in graph.chunks(pks):
                model._base_manager.filter(pk__in=part).update(**{field_.name: None})
        for model, pks in doomed.rows.items():
            if not pks:
                continue
            history = graph.history_model(model)
            if history is not None:
                for query in graph.history_filters(model, doomed):
                    count = history._base_manager.filter(query)._raw_delete(connection.alias)
                    if count:
                        deleted[f"{model._meta.label} (history)"] += count
            for part in graph.chunks(pks):
                deleted[model._meta.label] += model._base_manager.filter(pk__in=part)._raw_delete(
                    connection.alias
                )
        deleted["staff.Notification"] += _delete_notifications(doomed)
        if result_ids:
            from reporting.models import ReportResult

            deleted["reporting.ReportResult"] += ReportResult.objects.filter(
                pk__in=result_ids
            )._raw_delete(connection.alias)
            for pk in result_ids:
                results.pop(pk, None)
        _add_counts(purge_id, deleted, len(files))


def _add_counts(purge_id: int, deleted: Counter, files: int) -> None:
    purge = RetentionPurge.objects.select_for_update().get(pk=purge_id)
    totals = Counter(purge.deleted)
    totals.update({key: value for key, value in deleted.items() if value})
    RetentionPurge.objects.filter(pk=purge_id).update(
        deleted=dict(sorted(totals.items())), files_deleted=F("files_deleted") + files
    )


def _delete_notifications(doomed: graph.Doomed) -> int:
    from django.apps import apps

    from staff.models import Notification

    urls = []
    for route, label in NOTIFICATION_ROUTES.items():
        pks = doomed.rows.get(apps.get_model(label), ())
        for pk in pks:
            try:
                urls.append(reverse(route, args=[pk]))
            except NoReverseMatch:
                break
    count = 0
    for part in graph.chunks(urls):
        query = Q(url__in=part)
        count += Notification.objects.filter(query)._raw_delete(connection.alias)
    return count


def _report_result_values() -> dict[int, set[str]]:
    """Every report result's string values (rows and summary), to find those naming a
    purged person."""
    from reporting.models import ReportResult

    values: dict[int, set[str]] = {}
    for pk, rows, summary in ReportResult.objects.values_list("pk", "rows", "summary"):
        found: set[str] = set()
        _strings(rows, found)
        _strings(summary, found)
        values[pk] = found
    return values


def _strings(value, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, into)
    elif isinstance(value, list):
        for item in value:
            _strings(item, into)


def _results_naming(doomed: graph.Doomed, results: dict[int, set[str]]) -> list[int]:
    from django.apps import apps

    identifying: set[str] = set()
    for label, names in IDENTIFYING_FIELDS.items():
        model = apps.get_model(label)
        pks = doomed.rows.get(model)
        if not pks:
            continue
        for part in graph.chunks(pks):
            for row in model._base_manager.filter(pk__in=part).values_list(*names):
                identifying.update(value for value in row if value)
    if not identifying:
        return []
    return [pk for pk, values in results.items() if values & identifying]


def _purge_agreement_history(purge_id: int, agreement) -> None:
    """History rows of the agreement's rows deleted before the purge (a case removed by
    hand years ago): found by their agreement id, as history tables have no constraints."""
    deleted: Counter = Counter()
    with transaction.atomic():
        for root_model, root_field in graph.root_models():
            history = graph.history_model(root_model)
            if history is None:
                continue
            rows = history._base_manager.filter(**{root_field.attname: agreement.pk})
            files = graph.stored_files(root_model, rows)
            for alias, name in files:
                storages[alias].delete(name)
            count = rows._raw_delete(connection.alias)
            if count:
                deleted[f"{root_model._meta.label} (history)"] += count
        _add_counts(purge_id, deleted, 0)


def stalled_purge_ids() -> list[int]:
    """Approved purges with no live process (the worker was killed, the message lost)."""
    waited = timezone.now() - STALLED_AFTER
    candidates = list(
        RetentionPurge.objects.filter(
            status=RetentionPurge.Status.APPROVED, decided_at__lt=waited
        ).values_list("pk", flat=True)
    )
    alive = runs_alive("retention-purge", RUN_LOCK_NAMESPACE, candidates)
    return [pk for pk in candidates if pk not in alive]


def plan_rows(purge: RetentionPurge) -> list[dict]:
    """The dry-run list and what was deleted, per model, for the page."""
    from django.apps import apps

    keys = sorted(set(purge.planned) | {k.split(" ")[0] for k in purge.deleted})
    rows = []
    for key in keys:
        try:
            label = apps.get_model(key)._meta.verbose_name_plural
        except (LookupError, ValueError):
            label = key
        rows.append(
            {
                "model": key,
                "label": label,
                "planned": purge.planned.get(key, 0),
                "deleted": purge.deleted.get(key, 0),
                "history_deleted": purge.deleted.get(f"{key} (history)", 0),
                "why": graph.CLASSIFICATION.get(key, ("", ""))[1],
            }
        )
    return rows


def review_rows(purges: list[RetentionPurge]) -> list[dict]:
    """The daily job's report rows: no personal data, only agreements and counts."""
    return [
        {
            "agreement": str(purge.agreement),
            "retention_ended_on": purge.retention_ended_on.isoformat(),
            "rows": purge.planned_total,
            "files": purge.planned_file_count,
            "status": str(purge.get_status_display()),
        }
        for purge in purges
    ]


def register_kind() -> None:
    """The approvals registry's kind: headquarters' admin staff decide."""
    from django.utils.translation import gettext_lazy

    from staff import roles
    from staff.approvals import ApprovalKind, register_approval_kind

    register_approval_kind(
        ApprovalKind(
            key=APPROVAL_KIND,
            label=gettext_lazy("Retention purge"),
            approver_roles=(roles.ADMIN_STAFF,),
            on_decided=retention_purge_decided,
            subject_url=lambda purge: reverse("cases:retention_purge", args=[purge.pk]),
            refuse_decider=refuse_decider,
        )
    )


register_kind()
