"""Shapes of the bank API. Everything a bank must not set is read-only.

Personal data leaves only masked: ID numbers (first 6, last 4), phones (last 4)
and card numbers (first 6, last 4). Nothing about the agency's staff is shown —
not even who works a case.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    Case,
    ContactPoint,
    Debtor,
    Payment,
    Placement,
    PlacementRowError,
    Promise,
    RepaymentFile,
    RepaymentRowError,
)
from cases.selectors.casepage import WorkStatus, work_status
from collections_office.personal_data import mask_card_number, mask_id_number, mask_phone
from collections_office.workdays import local_date


def card_masked(value: str) -> str:
    """Cards are stored masked; masking again guards against a careless writer."""
    if not value or "*" in value:
        return value or ""
    return mask_card_number(value)


class PlacementLinksSerializer(serializers.Serializer):
    self = serializers.URLField(help_text="This placement.")
    errors = serializers.URLField(help_text="Its rejected rows (JSON, paginated).")
    errors_csv = serializers.URLField(help_text="Its rejected rows as a CSV file.")


def bank_file_fields(*counts: str) -> list[str]:
    """A bank file's fields in the API, in their order; `counts` are its kind's own."""
    return [
        "id",
        "status",
        "agreement",
        "file_name",
        "size_bytes",
        "sha256",
        "idempotency_key",
        "received_at",
        "started_at",
        "finished_at",
        "rows_total",
        "rows_done",
        *counts,
        "rows_rejected",
        "progress",
        "failure_reason",
        "links",
    ]


# What every bank file shows (placements, repayment files); `route` names its URLs.
# Comments, not docstrings: drf-spectacular would print a base's docstring as each
# kind's description in the schema.
class BankFileSerializer(serializers.ModelSerializer):
    route: str  # "bank_api:placement" → placement-detail, placement-errors

    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    file_name = serializers.CharField(source="original_name", read_only=True)
    progress = serializers.SerializerMethodField(help_text="Percentage of rows processed (0–100).")
    links = serializers.SerializerMethodField()

    def get_progress(self, bank_file) -> int:
        return bank_file.progress

    @extend_schema_field(PlacementLinksSerializer)
    def get_links(self, bank_file) -> dict:
        request = self.context.get("request")
        detail = reverse(f"{self.route}-detail", args=[bank_file.pk])
        errors = reverse(f"{self.route}-errors", args=[bank_file.pk])

        def absolute(path: str) -> str:
            return request.build_absolute_uri(path) if request else path

        return {
            "self": absolute(detail),
            "errors": absolute(errors),
            "errors_csv": absolute(errors + "?format=csv"),
        }


# A rejected row: `row` is its number in the file (1 = the header line).
class BankFileRowErrorSerializer(serializers.ModelSerializer):
    row = serializers.IntegerField(source="row_number", read_only=True)


class PlacementSerializer(BankFileSerializer):
    route = "bank_api:placement"

    class Meta:
        model = Placement
        fields = bank_file_fields("rows_created", "rows_updated")
        read_only_fields = fields


class PlacementUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="The placement file: CSV (UTF-8 or GB18030) or XLSX."
    )
    agreement = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The agreement the accounts are placed under; default: the one in force.",
    )


class PlacementRowErrorSerializer(BankFileRowErrorSerializer):
    class Meta:
        model = PlacementRowError
        fields = ["row", "column", "severity", "message"]
        read_only_fields = fields


class DebtorSerializer(serializers.ModelSerializer):
    id_number_masked = serializers.SerializerMethodField()

    class Meta:
        model = Debtor
        fields = ["name", "id_kind", "id_number_masked"]
        read_only_fields = fields

    def get_id_number_masked(self, debtor: Debtor) -> str:
        return mask_id_number(debtor.id_number)


class DebtorDetailSerializer(DebtorSerializer):
    phones_masked = serializers.SerializerMethodField()

    class Meta(DebtorSerializer.Meta):
        fields = [*DebtorSerializer.Meta.fields, "phones_masked"]
        read_only_fields = fields

    def get_phones_masked(self, debtor: Debtor) -> list[str]:
        # Uses the prefetched contact points: no query per case.
        return [
            mask_phone(point.value)
            for point in debtor.contact_points.all()
            if point.kind == ContactPoint.Kind.PHONE
        ]


WORK_STATUS_HELP = "Where the case stands in our work: " + "; ".join(
    f"`{value}`: {text}" for value, text in WorkStatus.DESCRIPTIONS.items()
)


class CaseSerializer(serializers.ModelSerializer):
    debtor = DebtorSerializer(read_only=True)
    balance = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    card_no_masked = serializers.SerializerMethodField()
    work_status = serializers.SerializerMethodField(help_text=WORK_STATUS_HELP)
    last_contact_date = serializers.SerializerMethodField(
        help_text="Date of the last conversation with the debtor, in the agency's time zone "
        "(Asia/Shanghai by default); null before the first."
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "account_no",
            "status",
            "currency",
            "principal",
            "interest",
            "fees",
            "balance",
            "overdue_since",
            "product",
            "card_no_masked",
            "debtor",
            "placed_at",
            "updated_at",
            "recalled_at",
            "last_contact_at",
            "last_contact_date",
            "work_status",
        ]
        read_only_fields = fields

    def get_card_no_masked(self, case: Case) -> str:
        return card_masked(case.card_no_masked)

    @extend_schema_field(serializers.ChoiceField(choices=WorkStatus.values))
    def get_work_status(self, case: Case) -> str:
        return work_status(case)

    @extend_schema_field(OpenApiTypes.DATE)
    def get_last_contact_date(self, case: Case):
        if case.last_contact_at is None:
            return None
        return local_date(case.last_contact_at).isoformat()


class CasePromiseSerializer(serializers.ModelSerializer):
    """A promise to pay (or an instalment of a payment plan); who took it is not shown."""

    instalment = serializers.IntegerField(
        source="plan_instalment",
        read_only=True,
        allow_null=True,
        help_text="The instalment's number in a payment plan; null for a promise of its own.",
    )

    class Meta:
        model = Promise
        fields = ["id", "amount", "due_on", "status", "amount_paid", "instalment", "created_at"]
        read_only_fields = fields


class CasePaymentSerializer(serializers.ModelSerializer):
    """A confirmed payment; who claimed or confirmed it is not shown."""

    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_on", "channel", "reference", "confirmed_at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    debtor = DebtorDetailSerializer(read_only=True)
    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    last_placement = serializers.IntegerField(source="last_placement_id", read_only=True)
    promises = CasePromiseSerializer(
        source="api_promises",
        many=True,
        read_only=True,
        help_text="Promises to pay and plan instalments (not cancelled ones), newest due first.",
    )
    payments = CasePaymentSerializer(
        source="api_payments",
        many=True,
        read_only=True,
        help_text="Confirmed payments, newest first (claims not yet confirmed are not shown).",
    )

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "agreement",
            "last_placement",
            "promises",
            "payments",
        ]
        read_only_fields = fields


class CaseRecallSerializer(serializers.Serializer):
    """Only a reason: any other field in the request is ignored."""

    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Why the bank withdraws it."
    )


# --- Repayment files ------------------------------------------------------------------------


class RepaymentFileSerializer(BankFileSerializer):
    route = "bank_api:repayment"

    class Meta:
        model = RepaymentFile
        fields = bank_file_fields("rows_imported")
        read_only_fields = fields


class RepaymentFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=(
            "The repayment file: CSV (UTF-8 or GB18030) or XLSX with the columns account "
            "number, amount, paid on (date) and reference."
        ),
    )
    agreement = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The agreement the repayments belong to; default: the one in force.",
    )


class RepaymentRowErrorSerializer(BankFileRowErrorSerializer):
    class Meta:
        model = RepaymentRowError
        fields = ["row", "column", "message"]
        read_only_fields = fields
