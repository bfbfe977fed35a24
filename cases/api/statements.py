"""Bank API v1: the bank's published reconciliation and commission statements (DESIGN §7).

Only published statements of the key's own bank exist here: a draft, an approved but
unpublished statement or another bank's is a 404. `GET /api/v1/statements/{id}/` answers
JSON, or the PDF with `?format=pdf` or `Accept: application/pdf`.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse

from cases.models import Statement, StatementLine
from cases.statement_text import line_explanation

from .views import ERRORS, BankApiView, StrictPageSizeMixin


class StatementLineSerializer(serializers.ModelSerializer):
    agency_amount = serializers.DecimalField(
        source="payment_amount", max_digits=14, decimal_places=2, allow_null=True
    )
    agency_paid_on = serializers.DateField(source="payment_paid_on", allow_null=True)
    bank_amount = serializers.DecimalField(
        source="repayment_amount", max_digits=14, decimal_places=2, allow_null=True
    )
    bank_paid_on = serializers.DateField(source="repayment_paid_on", allow_null=True)
    bank_reference = serializers.CharField(source="repayment_reference")
    difference = serializers.DecimalField(max_digits=14, decimal_places=2)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = StatementLine
        fields = [
            "kind",
            "reason",
            "account_no",
            "agency_amount",
            "agency_paid_on",
            "bank_amount",
            "bank_paid_on",
            "bank_reference",
            "difference",
            "commission_rate",
            "commission",
            "explanation",
        ]

    def get_explanation(self, line) -> str:
        return line_explanation(line)


class StatementSerializer(serializers.ModelSerializer):
    agreement = serializers.CharField(source="agreement.number")
    month = serializers.DateField(format="%Y-%m")
    corrects = serializers.PrimaryKeyRelatedField(source="replaces", read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id",
            "agreement",
            "month",
            "version",
            "corrects",
            "status",
            "approved_at",
            "published_at",
            "tolerance_days",
            "matched_count",
            "matched_amount",
            "difference_count",
            "difference_agency_amount",
            "difference_bank_amount",
            "agency_only_count",
            "agency_only_amount",
            "bank_only_count",
            "bank_only_amount",
            "commission_base",
            "commission_total",
            "links",
        ]

    def get_links(self, statement) -> dict:
        request = self.context.get("request")
        url = reverse("bank_api:statement-detail", kwargs={"pk": statement.pk}, request=request)
        return {"self": url, "pdf": f"{url}?format=pdf"}


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines"]


class StatementPagination(StrictPageSizeMixin, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def wants_pdf(request) -> bool:
    if request.query_params.get("format", "").strip().lower() == "pdf":
        return True
    return "application/pdf" in request.headers.get("Accept", "")


@extend_schema_view(
    list=extend_schema(
        summary="Your published statements, newest month first",
        description="Monthly reconciliation and commission statements the agency has "
        "published to your bank, paginated.",
        responses={200: StatementSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One published statement with its lines (JSON, or PDF with ?format=pdf)",
        description="Each line pairs an agency payment with your repayment (or shows one "
        "side alone) with the commission on it.",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "pdf"], required=False)
        ],
        responses={
            200: OpenApiResponse(
                StatementDetailSerializer, description="JSON; `application/pdf` when asked."
            ),
            **ERRORS,
        },
    ),
)
class StatementViewSet(
    BankApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = Statement.objects.none()
    pagination_class = StatementPagination
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return StatementSerializer if self.action == "list" else StatementDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Statement.objects.none()
        statements = (
            Statement.objects.of_bank(self.bank)
            .select_related("agreement", "bank", "replaces")
            .order_by("-month", "agreement__number", "-version", "-pk")
        )
        if self.action == "retrieve":
            statements = statements.prefetch_related("lines__statement")
        return statements

    def retrieve(self, request, *args, **kwargs):
        statement = self.get_object()
        if wants_pdf(request):
            from cases.statement_pdf import statement_pdf

            response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
            number, month = statement.agreement.number, statement.month
            name = f"statement-{number}-{month:%Y-%m}-v{statement.version}"
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            return response
        serializer = self.get_serializer(statement)
        return Response(serializer.data)
