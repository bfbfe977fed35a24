"""What the retention purge deletes, found from the model graph rather than listed by hand.

Starting from an agreement, the rows to delete are: the rows of every *purged* model that
points at the agreement (cases, placements, repayment files…), then — following every
foreign key that points at a row already doomed — the rows of every purged model that
depend on those (calls, recordings, visits, payments, documents…), the debtors whose only
cases they were (a debtor shared with another agreement's case stays, with their contact
points), the rows that name a doomed row by content type and id (personal-data views,
approval requests, the admin log, demo markers) and the history rows of all of them.

Every model reachable that way must be classified here, as purged or as kept with the
reason: `unclassified_models()` names the ones that are not, a test fails on them and
the purge refuses to run, so a model added later cannot silently keep personal data (or
silently lose a statement). A kept model's link to a doomed row must be nullable
(SET_NULL): the link is emptied, the row keeps the values it copied.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.db import models

PURGE = "purge"
KEEP = "keep"

# model label → (PURGE, why) or (KEEP, why). Purged rows are those linked to the purged
# agreement's data; kept models keep their rows (their links to purged rows are emptied).
CLASSIFICATION: dict[str, tuple[str, str]] = {
    # The agreement and what hangs on it.
    "cases.Agreement": (KEEP, "the contract itself: no debtor's data; statements name it"),
    "cases.AgreementCommissionRate": (KEEP, "commercial terms of the agreement"),
    "cases.RetentionPurge": (KEEP, "the record of the purge: counts and file names only"),
    "cases.Placement": (PURGE, "the bank's file of debtors (original and backup copy)"),
    "cases.PlacementStream": (PURGE, "import progress of a purged placement"),
    "cases.PlacementRowError": (PURGE, "rows of the bank's file, with their values"),
    "cases.Case": (PURGE, "the debtor's account"),
    "cases.Debtor": (PURGE, "personal data (only when no other agreement's case is theirs)"),
    "cases.ContactPoint": (PURGE, "phones and addresses"),
    # The work on a case.
    "cases.CampaignCase": (PURGE, "a case's place in a campaign"),
    "cases.CaseAssignment": (PURGE, "who held the case"),
    "cases.CaseHold": (PURGE, "holds on the case, with reasons"),
    "cases.CallLog": (PURGE, "calls, notes and recordings"),
    "cases.ComplianceOverride": (PURGE, "overrides naming the case and a contact point"),
    "cases.ComplianceRefusal": (PURGE, "refused contact attempts"),
    "cases.ComplianceViolation": (PURGE, "violations on the case's calls"),
    "cases.Promise": (PURGE, "promises to pay"),
    "cases.PaymentPlan": (PURGE, "payment plans"),
    "cases.Payment": (PURGE, "payments and their receipts"),
    "cases.SpecialProcedure": (PURGE, "special procedures on the case"),
    "cases.SpecialProcedureDocument": (PURGE, "documents of a special procedure"),
    "cases.CollectionPeriodExtension": (PURGE, "extensions of the case's period"),
    "cases.CallQualityReview": (PURGE, "reviews of the case's calls"),
    "cases.CallQualityMark": (PURGE, "marks of a purged review"),
    "cases.VisitNomination": (PURGE, "visits asked for"),
    "cases.VisitPlanStop": (PURGE, "a visit's place in a plan (the plan stays)"),
    "cases.VisitReport": (PURGE, "visit reports with their audio"),
    "cases.VisitPhoto": (PURGE, "photos of a visit"),
    "cases.VisitDeadlineExtension": (PURGE, "extensions of a visit's deadline"),
    "cases.SafetyAlert": (PURGE, "alerts raised on a visit"),
    # Bank repayment files (issue 13, "repay") and statements ("recon").
    "cases.RepaymentFile": (PURGE, "the bank's file of repayments (original and backup copy)"),
    "cases.RepaymentRowError": (PURGE, "rows of the bank's repayment file, with their values"),
    "cases.BankRepayment": (PURGE, "a debtor's repayment: account number, amount, date"),
    "cases.Statement": (KEEP, "the approved statement to the bank: copied values, no links"),
    "cases.StatementLine": (KEEP, "copies what it shows; its links are emptied (SET_NULL)"),
    # Rows that name a doomed row by content type and object id.
    "staff.PersonalDataView": (PURGE, "who looked at the person: names the row"),
    "staff.ApprovalRequest": (PURGE, "approvals about a purged row: the summary names it"),
    "staff.DemoData": (PURGE, "the marker of a demo row"),
    "admin.LogEntry": (PURGE, "the admin log's copy of the row's name"),
}

# Forward links whose target is purged once no surviving row points at it: a debtor goes
# with the last case that is theirs.
ORPHANED_WITH: tuple[tuple[str, str], ...] = (("cases.Case", "debtor"),)

# Query `IN` lists are split so that a batch never passes PostgreSQL's parameter limit.
CHUNK = 5000


def chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def is_history_model(model) -> bool:
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)


def live_models() -> list[type[models.Model]]:
    """Every table of the project but the history tables (many-to-many tables included:
    their rows point at the rows they link)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not is_history_model(model) and not model._meta.proxy and model._meta.managed
    ]


@functools.cache
def _links_index() -> dict:
    index: dict = defaultdict(list)
    for model in live_models():
        for field_ in model._meta.concrete_fields:
            if field_.is_relation and field_.many_to_one and field_.related_model is not None:
                index[field_.related_model].append((model, field_))
    return index


def _reverse_links(target) -> list[tuple[type[models.Model], models.ForeignKey]]:
    """(model, field) for every foreign key of a live model pointing at `target`."""
    return list(_links_index().get(target, ()))


def generic_links() -> list[tuple[type[models.Model], str, str]]:
    """(model, content-type field, object-id field) for every model naming a row by its
    content type and id (a GenericForeignKey or the admin log's pair)."""
    found = []
    for model in live_models():
        for field_ in model._meta.concrete_fields:
            if field_.is_relation and field_.many_to_one and field_.related_model is ContentType:
                names = {f.name for f in model._meta.concrete_fields}
                for id_name in ("object_id", "object_pk"):
                    if id_name in names:
                        found.append((model, field_.name, id_name))
    return found


ROOTS = ("cases.Agreement", "cases.Case", "cases.Debtor", "cases.Placement")


def reachable_models() -> set[str]:
    """Every model with a path (reverse foreign keys, generic links) from an agreement, a
    case, a debtor or a placement: the set CLASSIFICATION must cover."""
    seen: set[str] = set()
    queue = [apps.get_model(label) for label in ROOTS]
    generic = {model._meta.label for model, _ct, _id in generic_links()}
    seen.update(generic)
    while queue:
        model = queue.pop()
        label = model._meta.label
        if label in seen and label not in ROOTS:
            continue
        seen.add(label)
        if CLASSIFICATION.get(label, (PURGE,))[0] == KEEP and label not in ROOTS:
            continue  # a kept row's dependants are not reached through it
        for linked, _field in _reverse_links(model):
            if linked._meta.label not in seen:
                queue.append(linked)
    return seen


def unclassified_models() -> list[str]:
    return sorted(label for label in reachable_models() if label not in CLASSIFICATION)


def misclassified_links() -> list[str]:
    """Kept models whose link to a purged model is not nullable: the purge could not empty
    it (and the database would refuse the deletion)."""
    problems = []
    for label, (action, _why) in CLASSIFICATION.items():
        if action != PURGE:
            continue
        try:
            target = apps.get_model(label)
        except LookupError:
            continue
        for model, field_ in _reverse_links(target):
            kept = CLASSIFICATION.get(model._meta.label, (None,))[0] == KEEP
            if kept and not field_.null:
                problems.append(f"{model._meta.label}.{field_.name}")
    return problems


def check_classification() -> None:
    unclassified = unclassified_models()
    if unclassified:
        raise ImproperlyConfigured(
            "retention purge: classify these models in cases/retention.py CLASSIFICATION "
            f"(purged or kept, with the reason): {', '.join(unclassified)}"
        )
    problems = misclassified_links()
    if problems:
        raise ImproperlyConfigured(
            "retention purge: kept models must point at purged ones with a nullable "
            f"SET_NULL link: {', '.join(problems)}"
        )


def _action(model) -> str | None:
    return CLASSIFICATION.get(model._meta.label, (None,))[0]


def root_models() -> list[tuple[type[models.Model], models.ForeignKey]]:
    """Purged models with a foreign key to the agreement, those pointing at other roots
    first (a case before the placement it came from), so a batch never leaves a row
    pointing at a deleted one."""
    from cases.models import Agreement

    roots = [(m, f) for m, f in _reverse_links(Agreement) if _action(m) == PURGE]
    models_ = {m for m, _f in roots}

    def depends_on(model) -> set:
        return {
            f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one and f.related_model in models_
        } - {model}

    ordered: list = []
    pending = list(roots)
    while pending:
        for item in pending:
            model = item[0]
            waiting_on_me = [m for m, _f in pending if m is not model and model in depends_on(m)]
            if not waiting_on_me:
                ordered.append(item)
                pending.remove(item)
                break
        else:  # a cycle: keep the declared order for what is left
            ordered.extend(pending)
            break
    return ordered


@dataclass
class Doomed:
    """The rows one batch deletes: model → primary keys."""

    rows: dict[type[models.Model], set] = field(default_factory=lambda: defaultdict(set))
    # Rows of kept models whose link to a doomed row is emptied: (model, field) → pks.
    unlinked: dict[tuple, set] = field(default_factory=lambda: defaultdict(set))

    def counts(self) -> dict[str, int]:
        return {model._meta.label: len(pks) for model, pks in self.rows.items() if pks}


def collect(start: dict[type[models.Model], Iterable], *, listing_agreement=None) -> Doomed:
    """The closure of `start` (model → pks) over the purged models of the graph.

    `listing_agreement` is for the dry run, which walks the agreement's roots batch by
    batch without deleting: a debtor is counted when all their cases are the agreement's
    (not only the batch's), and another root's rows reached again (a placement's cases)
    are left to their own batch, so that nothing is counted twice.
    """
    doomed = Doomed()
    queue: list[tuple[type[models.Model], set]] = []
    roots = dict(root_models()) if listing_agreement is not None else {}

    def add(model, pks) -> None:
        new = set(pks) - doomed.rows[model]
        if new and model in roots and model not in start:
            field_ = roots[model]
            elsewhere = set()
            for part in chunks(new):
                elsewhere |= set(
                    model._base_manager.filter(pk__in=part)
                    .filter(**{field_.attname: listing_agreement})
                    .values_list("pk", flat=True)
                )
            new -= elsewhere
        if new:
            doomed.rows[model] |= new
            queue.append((model, new))

    for model, pks in start.items():
        add(model, pks)
    while True:
        while queue:
            model, pks = queue.pop()
            for linked, field_ in _reverse_links(model):
                action = _action(linked)
                if action is None:
                    raise ImproperlyConfigured(
                        f"retention purge: {linked._meta.label} is not classified"
                    )
                for part in chunks(pks):
                    found = linked._base_manager.filter(**{f"{field_.attname}__in": part})
                    ids = set(found.values_list("pk", flat=True))
                    if action == PURGE:
                        add(linked, ids)
                    elif ids:
                        doomed.unlinked[(linked, field_)] |= ids
        # Targets left with no surviving row pointing at them (a debtor's last case).
        for label, name in ORPHANED_WITH:
            model = apps.get_model(label)
            pks = doomed.rows.get(model)
            if not pks:
                continue
            field_ = model._meta.get_field(name)
            targets = set()
            for part in chunks(pks):
                targets |= set(
                    model._base_manager.filter(pk__in=part)
                    .exclude(**{f"{field_.attname}__isnull": True})
                    .values_list(field_.attname, flat=True)
                )
            targets -= doomed.rows[field_.related_model]
            if not targets:
                continue
            shared = set()
            for part in chunks(targets):
                others = model._base_manager.filter(**{f"{field_.attname}__in": part}).exclude(
                    pk__in=pks
                )
                if model in roots:
                    others = others.exclude(**{roots[model].attname: listing_agreement})
                shared |= set(others.values_list(field_.attname, flat=True))
            add(field_.related_model, targets - shared)
        if not queue:
            break
    return doomed


def generic_rows(doomed: Doomed) -> dict[type[models.Model], set]:
    """Rows naming a doomed row by content type and object id."""
    found: dict = defaultdict(set)
    for model, ct_name, id_name in generic_links():
        if _action(model) != PURGE:
            continue
        id_field = model._meta.get_field(id_name)
        textual = not isinstance(id_field, models.IntegerField)
        for target, pks in doomed.rows.items():
            if not pks or model is target:
                continue
            content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
            for part in chunks(pks):
                values = [str(pk) for pk in part] if textual else list(part)
                found[model] |= set(
                    model._base_manager.filter(
                        **{ct_name: content_type, f"{id_name}__in": values}
                    ).values_list("pk", flat=True)
                )
    return {model: pks for model, pks in found.items() if pks}


def history_model(model):
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager:
        return getattr(model, manager).model
    return None


def history_filters(model, doomed: Doomed) -> list[models.Q]:
    """The history rows of `model` that hold doomed data: those of the doomed rows, and
    those pointing at a doomed row (rows deleted earlier, whose history stayed)."""
    pks = doomed.rows.get(model, set())
    queries = [models.Q(**{f"{model._meta.pk.attname}__in": part}) for part in chunks(pks)]
    for field_ in model._meta.concrete_fields:
        if not (field_.is_relation and field_.many_to_one):
            continue
        targets = doomed.rows.get(field_.related_model)
        if targets:
            queries += [models.Q(**{f"{field_.attname}__in": part}) for part in chunks(targets)]
    return queries


def backup_fields(model) -> list[str]:
    """Char fields holding a path in the backup storage (the second copy of a bank file)."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField) and f.name.endswith("backup_path")
    ]


def file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def stored_files(model, queryset, *, history: bool = False) -> set[tuple[str, str]]:
    """(storage alias, name) of the files the rows of `queryset` hold. History rows hold
    the names the live row had (a recording replaced still has its old file there)."""
    found: set[tuple[str, str]] = set()
    for field_ in file_fields(model):
        alias = _storage_alias(field_.storage)
        for name in queryset.exclude(**{field_.name: ""}).values_list(field_.name, flat=True):
            if name:
                found.add((alias, name))
    for name_field in backup_fields(model):
        for name in queryset.exclude(**{name_field: ""}).values_list(name_field, flat=True):
            if name:
                found.add(("backup", name))
    return found


def _storage_alias(storage) -> str:
    """The alias of a file field's storage (`default_storage` is a lazy stand-in for
    "default"; a field given another configured storage names it)."""
    from django.conf import settings

    for alias in settings.STORAGES:
        if alias != "staticfiles" and storages[alias] is storage:
            return alias
    return "default"
