"""Bank API v1: repayment files (upload, status, rejected rows), DESIGN §7.

The same upload rules as placements (`BankFileUploadMixin`): the size limit before a
byte is read, idempotency (same file or same `Idempotency-Key` → the first file; the
same key with another file → 409), the import in the background. Another bank's
file is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from cases.models import RepaymentFile
from cases.selectors import repayments as selectors

from .serializers import (
    RepaymentFileSerializer,
    RepaymentFileUploadSerializer,
    RepaymentRowErrorSerializer,
)
from .views import (
    ERRORS,
    IDEMPOTENCY_KEY_PARAMETER,
    BankApiView,
    BankFileUploadMixin,
    RowErrorPagination,
    row_errors_schema,
    upload_responses,
)


@extend_schema_view(
    list=extend_schema(
        summary="Your repayment files, newest first",
        description="The repayment files your bank uploaded, paginated (`page`, `page_size`).",
        responses={200: RepaymentFileSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One repayment file: status, counts and progress",
        description="Poll it after an upload until `status` is `completed` or `failed`; "
        "rejected rows are listed at `errors/`.",
        responses={200: RepaymentFileSerializer, **ERRORS},
    ),
)
class RepaymentFileViewSet(
    BankFileUploadMixin,
    BankApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = RepaymentFile.objects.none()
    serializer_class = RepaymentFileSerializer
    files_for_bank = staticmethod(selectors.repayment_file_list_for_bank)

    @extend_schema(
        summary="Upload a repayment file",
        description=(
            "Multipart upload of the repayments you received on accounts placed with the "
            "agency: columns account number, amount, paid on (date) and reference (unique "
            "per bank). Answers `202 Accepted` at once; the import runs in the background — "
            "poll the file's `self` link until `status` is `completed` or `failed`.\n\n"
            "Idempotent: the same file again, or the same `Idempotency-Key`, answers "
            "`200 OK` with the FIRST file and imports nothing twice. The same key with a "
            "different file is `409 Conflict`. A file above the size limit is `413`."
        ),
        request={"multipart/form-data": RepaymentFileUploadSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses=upload_responses(RepaymentFileSerializer, first="the first file"),
    )
    def create(self, request, *args, **kwargs):
        from cases.services.repayments import repayment_file_receive

        return self.receive_upload(
            request,
            upload_serializer_class=RepaymentFileUploadSerializer,
            serializer_class=RepaymentFileSerializer,
            receive=repayment_file_receive,
        )

    @row_errors_schema(RepaymentRowErrorSerializer, summary="Rejected rows of a repayment file")
    @action(detail=True, methods=["get"], pagination_class=RowErrorPagination)
    def errors(self, request, pk=None):
        repayment_file = self.get_object()
        return self.row_errors_response(
            request,
            selectors.repayment_file_errors(repayment_file=repayment_file),
            filename=f"repayment-file-{repayment_file.pk}-errors.csv",
            serializer_class=RepaymentRowErrorSerializer,
        )
