"""The retention purge (issue 13): with the clock past an agreement's retention end,
nothing with personal data of that agreement survives — rows, history rows, files, backup
copies — while another agreement's data, a debtor shared with it, and the anonymous
rollups and reports survive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from cases import retention as graph
from cases.models import (
    Agreement,
    BankRepayment,
    Case,
    Debtor,
    Placement,
    RepaymentFile,
    RetentionPurge,
    Statement,
    StatementLine,
)
from cases.services.retention import (
    APPROVAL_KIND,
    SYSTEM_USERNAME,
    purge_execute,
    retention_review,
)
from reporting.models import DailyCollectorFigures, ReportResult, ReportRun
from staff.models import ApprovalRequest, Notification, PersonalDataView
from staff.services_approvals import approval_decide
from tests.cases.api.builders import make_debtor

from .conftest import AFTER_RETENTION, case_with_everything, exists, files_of

pytestmark = pytest.mark.django_db


def _history_rows(model, **filters) -> int:
    return graph.history_model(model)._base_manager.filter(**filters).count()


@pytest.fixture
def world(old_agreement, live_agreement, collector):
    shared = make_debtor(name="Li Shared", id_number="110101199003078515", address="北京路1号")
    only_old = make_debtor(name="Wang Gone", id_number="", phones=("+8613900000001",))
    old_case = case_with_everything(
        old_agreement, collector, debtor=only_old, account_no="OLD-ACC-1"
    )
    old_shared_case = case_with_everything(
        old_agreement, collector, debtor=shared, account_no="OLD-ACC-2"
    )
    live_case = case_with_everything(
        live_agreement, collector, debtor=shared, account_no="LIVE-ACC-1"
    )
    figures = DailyCollectorFigures.objects.create(
        day=dt.date(2026, 11, 2),
        collector=collector,
        branch=old_agreement.branch,
        calls=2,
        amount_confirmed=Decimal("200.00"),
        computed_at=old_case.updated_at,
    )
    run = ReportRun.objects.create(
        kind="collector_weekly",
        period_start=dt.date(2026, 11, 2),
        period_end=dt.date(2026, 11, 8),
        trigger="manual",
        status="succeeded",
    )
    staff_report = ReportResult.objects.create(
        kind="collector_weekly",
        period_start=run.period_start,
        period_end=run.period_end,
        scope="company",
        run=run,
        generated_at=old_case.updated_at,
        rows=[{"collector": "collector.a", "calls": 2}],
    )
    # A result that lists a purged debtor (a kind that would list cases): it must go.
    naming_report = ReportResult.objects.create(
        kind="collector_monthly",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        scope="company",
        run=run,
        generated_at=old_case.updated_at,
        rows=[{"case": "OLD-ACC-1", "debtor": "Wang Gone"}],
    )
    naming_report.csv_file.save("naming.csv", ContentFile(b"OLD-ACC-1,Wang Gone"))
    return {
        "old_cases": [old_case, old_shared_case],
        "old_debtor": only_old,
        "shared": shared,
        "live_case": live_case,
        "old_files": [name for case in (old_case, old_shared_case) for name in files_of(case)],
        "live_files": files_of(live_case),
        "figures": figures,
        "staff_report": staff_report,
        "naming_report": naming_report,
    }


def _approve(purge, hq_admin, django_capture_on_commit_callbacks):
    approval = ApprovalRequest.objects.get(kind=APPROVAL_KIND, object_id=purge.pk)
    with django_capture_on_commit_callbacks(execute=False):
        approval_decide(approval=approval, user=hq_admin, approve=True)
    return approval


def test_every_model_reachable_from_a_case_is_purged_or_kept_with_a_reason():
    assert graph.unclassified_models() == []
    assert graph.misclassified_links() == []
    reachable = graph.reachable_models()
    for label in (
        "cases.CallLog",
        "cases.VisitPhoto",
        "cases.ContactPoint",
        "staff.PersonalDataView",
    ):
        assert label in reachable
        assert graph.CLASSIFICATION[label][0] == graph.PURGE
    for label, (action, why) in graph.CLASSIFICATION.items():
        assert action in (graph.PURGE, graph.KEEP) and why, label


def test_a_new_model_pointing_at_a_case_is_reported_unclassified(monkeypatch):
    """The walk finds models by their foreign keys: drop one from the classification and
    the check names it (and the purge refuses to run)."""
    classification = dict(graph.CLASSIFICATION)
    del classification["cases.CaseHold"]
    monkeypatch.setattr(graph, "CLASSIFICATION", classification)
    assert graph.unclassified_models() == ["cases.CaseHold"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=r"cases\.CaseHold"):
        graph.check_classification()


def test_nothing_is_listed_before_the_retention_end(world, old_agreement):
    assert old_agreement.retention_ends_on == dt.date(2031, 6, 30)
    assert retention_review(today=dt.date(2031, 6, 30)) == []
    assert not RetentionPurge.objects.exists()


def test_the_retention_years_are_per_agreement(world, old_agreement):
    Agreement.objects.filter(pk=old_agreement.pk).update(retention_years=7)
    old_agreement.refresh_from_db()
    assert old_agreement.retention_ends_on == dt.date(2033, 6, 30)
    assert retention_review(today=dt.date(2031, 7, 2)) == []


def test_the_dry_run_lists_what_would_go_and_asks_hq_admin_staff(world, old_agreement, clock, hq):
    clock(AFTER_RETENTION)
    [purge] = retention_review(today=dt.date(2031, 7, 2))
    assert purge.status == RetentionPurge.Status.WAITING
    assert purge.planned["cases.Case"] == 2
    assert purge.planned["cases.Debtor"] == 1  # the shared debtor stays
    assert purge.planned["cases.Placement"] == 2
    assert purge.planned["cases.CallLog"] == 2
    assert purge.planned["cases.VisitPhoto"] == 2
    assert purge.planned["staff.PersonalDataView"] == 2
    assert purge.planned_file_count == len(world["old_files"]) >= 14
    assert {f"{alias}:{name}" for alias, name in world["old_files"]} == set(purge.planned_files)
    approval = ApprovalRequest.objects.get(kind=APPROVAL_KIND, object_id=purge.pk)
    assert approval.requested_by.username == SYSTEM_USERNAME
    assert not approval.requested_by.has_usable_password()
    assert approval.branch.is_hq
    # Nothing was deleted by the dry run; asking again the same day asks once.
    assert Case.objects.filter(agreement=old_agreement).count() == 2
    assert retention_review(today=dt.date(2031, 7, 2)) == []
    assert ApprovalRequest.objects.filter(kind=APPROVAL_KIND).count() == 1


def test_a_branch_admin_cannot_approve_a_purge(
    world, old_agreement, clock, branch_admin, hq, django_capture_on_commit_callbacks
):
    clock(AFTER_RETENTION)
    [purge] = retention_review(today=dt.date(2031, 7, 2))
    approval = ApprovalRequest.objects.get(kind=APPROVAL_KIND, object_id=purge.pk)
    from django.http import Http404

    with pytest.raises((Http404, ValidationError)):
        approval_decide(approval=approval, user=branch_admin, approve=True)
    purge.refresh_from_db()
    assert purge.status == RetentionPurge.Status.WAITING


def test_a_refused_list_deletes_nothing_and_is_not_asked_again_at_once(
    world, old_agreement, clock, hq_admin, django_capture_on_commit_callbacks
):
    clock(AFTER_RETENTION)
    [purge] = retention_review(today=dt.date(2031, 7, 2))
    approval = ApprovalRequest.objects.get(kind=APPROVAL_KIND, object_id=purge.pk)
    with django_capture_on_commit_callbacks(execute=False):
        approval_decide(approval=approval, user=hq_admin, approve=False, comment="Bank asked")
    purge.refresh_from_db()
    assert purge.status == RetentionPurge.Status.REFUSED
    assert purge_execute(purge.pk) == RetentionPurge.Status.REFUSED
    assert Case.objects.filter(agreement=old_agreement).count() == 2
    assert retention_review(today=dt.date(2031, 7, 3)) == []


def test_after_approval_nothing_with_personal_data_of_the_agreement_survives(
    world, old_agreement, live_agreement, clock, hq_admin, django_capture_on_commit_callbacks
):
    old_case_ids = [case.pk for case in world["old_cases"]]
    old_debtor_id = world["old_debtor"].pk
    old_placement_ids = [case.last_placement_id for case in world["old_cases"]]
    assert all(exists(alias, name) for alias, name in world["old_files"])
    clock(AFTER_RETENTION)
    [purge] = retention_review(today=dt.date(2031, 7, 2))
    _approve(purge, hq_admin, django_capture_on_commit_callbacks)

    assert purge_execute(purge.pk) == RetentionPurge.Status.DONE

    # Rows: the cases, their work, the debtor only they had, the placements.
    assert not Case.objects.filter(pk__in=old_case_ids).exists()
    assert not Debtor.objects.filter(pk=old_debtor_id).exists()
    assert not Placement.objects.filter(pk__in=old_placement_ids).exists()
    for label, (action, _why) in graph.CLASSIFICATION.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # classified ahead of its branch's merge
        for field_ in model._meta.concrete_fields:
            if field_.is_relation and field_.related_model is Case and action == graph.PURGE:
                assert not model._base_manager.filter(
                    **{f"{field_.attname}__in": old_case_ids}
                ).exists(), label
    assert not PersonalDataView.objects.filter(object_id__in=[str(pk) for pk in old_case_ids])
    assert not Notification.objects.filter(url__in=[f"/cases/{pk}/" for pk in old_case_ids])
    # History rows: none of the cases, the debtor, the calls, the contact points.
    assert _history_rows(Case, id__in=old_case_ids) == 0
    assert _history_rows(Case, agreement_id=old_agreement.pk) == 0
    assert _history_rows(Debtor, id=old_debtor_id) == 0
    from cases.models import CallLog, ContactPoint, Payment

    assert _history_rows(CallLog, case_id__in=old_case_ids) == 0
    assert _history_rows(Payment, case_id__in=old_case_ids) == 0
    assert _history_rows(ContactPoint, debtor_id=old_debtor_id) == 0
    assert _history_rows(Placement, id__in=old_placement_ids) == 0
    assert not BankRepayment.objects.filter(agreement=old_agreement).exists()
    assert not RepaymentFile.objects.filter(agreement=old_agreement).exists()
    assert _history_rows(BankRepayment, agreement_id=old_agreement.pk) == 0
    assert BankRepayment.objects.filter(agreement=live_agreement).count() == 1
    # Files and their backup copies.
    assert [name for name in world["old_files"] if exists(*name)] == []
    # A report result naming a purged debtor is gone; the staff figures stay.
    assert not ReportResult.objects.filter(pk=world["naming_report"].pk).exists()
    assert not exists("default", world["naming_report"].csv_file.name)
    assert ReportResult.objects.filter(pk=world["staff_report"].pk).exists()
    assert DailyCollectorFigures.objects.filter(pk=world["figures"].pk).exists()

    # The other agreement's data, and the shared debtor with their contact points, survive.
    live_case = world["live_case"]
    assert Case.objects.filter(pk=live_case.pk).exists()
    shared = Debtor.objects.get(pk=world["shared"].pk)
    assert shared.name == "Li Shared"
    assert shared.contact_points.count() == 2
    assert _history_rows(Debtor, id=shared.pk) >= 1
    assert all(exists(alias, name) for alias, name in world["live_files"])
    assert live_case.calls.count() == 1 and live_case.payments.count() == 1
    assert PersonalDataView.objects.filter(object_id=str(live_case.pk)).exists()
    # The agreement stays (statements and reports name it).
    assert Agreement.objects.filter(pk=old_agreement.pk).exists()

    # What was done is recorded: counts, who approved, when; in history.
    purge.refresh_from_db()
    assert purge.decided_by == hq_admin and purge.decided_at and purge.finished_at
    assert purge.deleted["cases.Case"] == 2
    assert purge.deleted["cases.Debtor"] == 1
    assert purge.deleted["cases.Case (history)"] >= 2
    assert purge.files_deleted == len(world["old_files"]) + 1  # and the naming report's
    statuses = list(purge.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[0] == "waiting" and statuses[-1] == "done" and "approved" in statuses

    # Running it again does nothing; the next review finds nothing left to list.
    assert purge_execute(purge.pk) == RetentionPurge.Status.DONE
    assert retention_review(today=dt.date(2031, 9, 1)) == []


def test_a_purge_killed_between_batches_carries_on(
    world, old_agreement, clock, hq_admin, django_capture_on_commit_callbacks, monkeypatch
):
    """One batch at a time: the first batch commits, the process dies in the second, and
    the next run (the recovery sweeper's) finishes the work."""
    import cases.services.retention as service

    clock(AFTER_RETENTION)
    [purge] = retention_review(today=dt.date(2031, 7, 2))
    _approve(purge, hq_admin, django_capture_on_commit_callbacks)
    monkeypatch.setattr(service, "BATCH", 1)
    real_batch = service._purge_batch
    calls = []

    def dies_in_the_second_batch_of_cases(purge_id, start, results):
        if Case in start:
            calls.append(1)
            if len(calls) == 2:
                raise SystemExit("killed")
        return real_batch(purge_id, start, results)

    monkeypatch.setattr(service, "_purge_batch", dies_in_the_second_batch_of_cases)
    with pytest.raises(SystemExit):
        purge_execute(purge.pk)
    assert Case.objects.filter(agreement=old_agreement).count() == 1
    purge.refresh_from_db()
    assert purge.status == RetentionPurge.Status.APPROVED
    assert purge.deleted["cases.Case"] == 1

    monkeypatch.setattr(service, "_purge_batch", real_batch)
    assert purge_execute(purge.pk) == RetentionPurge.Status.DONE
    assert not Case.objects.filter(agreement=old_agreement).exists()
    assert not Debtor.objects.filter(pk=world["old_debtor"].pk).exists()
    assert [name for name in world["old_files"] if exists(*name)] == []
    purge.refresh_from_db()
    assert purge.deleted["cases.Case"] == 2


def test_statements_survive_the_purge_with_their_copied_values(
    world, old_agreement, clock, hq_admin, collector, django_capture_on_commit_callbacks
):
    """Recon's statements (approved, sent to the bank) keep every value they copied; their
    links to the purged payment and case are emptied."""
    old_case = world["old_cases"][0]
    payment = old_case.payments.get()
    statement = Statement.objects.create(
        agreement=old_agreement,
        bank=old_agreement.bank,
        month=dt.date(2026, 6, 1),
        tolerance_days=3,
        prepared_at=payment.claimed_at,
        prepared_by=collector,
    )
    line = StatementLine.objects.create(
        statement=statement,
        kind="agency_only",
        reason="no_repayment",
        account_no=old_case.account_no,
        payment_amount=payment.amount,
        payment_paid_on=payment.paid_on,
        payment=payment,
        case=old_case,
    )
    # Approved (as finance's approval would leave it; the model refuses changes after).
    Statement.objects.filter(pk=statement.pk).update(
        status="approved", approved_by=hq_admin, approved_at=payment.claimed_at
    )
    clock(AFTER_RETENTION)
    [purge] = retention_review(today=dt.date(2031, 7, 2))
    _approve(purge, hq_admin, django_capture_on_commit_callbacks)
    assert purge_execute(purge.pk) == RetentionPurge.Status.DONE
    line.refresh_from_db()
    assert line.payment_id is None and line.case_id is None
    assert line.account_no == "OLD-ACC-1" and line.payment_amount == Decimal("100.00")
    statement.refresh_from_db()
    assert statement.status == "approved"
