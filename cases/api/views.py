"""Bank API v1 views: placements (upload, status, rejected rows) and cases (read, recall).

Every queryset comes from a bank-scoped selector: another bank's placement or
case is a 404, never a 403. Writes go through the services.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadhandler import FileUploadHandler
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from cases import selectors
from cases.models import Case, Payment, Placement, Promise
from cases.selectors.casepage import with_active_hold
from cases.services.cases import CaseRecallNotAllowed, case_recall
from cases.throttling import BankApiUploadRateThrottle
from collections_office.exports import csv_response
from staff.selectors import get_scoped_object_or_404

from .serializers import (
    CaseDetailSerializer,
    CaseRecallSerializer,
    CaseSerializer,
    PlacementRowErrorSerializer,
    PlacementSerializer,
    PlacementUploadSerializer,
)

_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")  # printable ASCII, no spaces


class ErrorSerializer(serializers.Serializer):
    """The shape of every error (collections_office.api.exception_handler)."""

    class FieldErrorSerializer(serializers.Serializer):
        field = serializers.CharField(allow_null=True)
        message = serializers.CharField()

    detail = serializers.CharField()
    errors = FieldErrorSerializer(many=True)


ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No, unknown, revoked or expired key."),
    404: OpenApiResponse(ErrorSerializer, description="Not found (or not yours)."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests for this key."),
}


# The upload endpoints' shared OpenAPI pieces (placements and repayment files).
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (≤ 128 printable ASCII characters) per upload.",
)


def row_errors_schema(serializer, *, summary: str):
    """The rejected rows endpoint's schema (JSON pages, or `?format=csv` for a download)."""
    return extend_schema(
        summary=summary,
        description=(
            "Row number (1 = the header line), column and a message a clerk can act on. "
            "JSON, paginated; `?format=csv` downloads them all as a CSV file instead."
        ),
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["json", "csv"],
                description="`csv` for a file download.",
            )
        ],
        responses={200: serializer(many=True), **ERRORS},
    )


def upload_responses(serializer, *, first: str) -> dict:
    """An upload's responses: 202 received, 200 the first upload again (`first` names it)."""
    return {
        202: OpenApiResponse(serializer, description="Received; import queued."),
        200: OpenApiResponse(serializer, description=f"Already received: {first}."),
        400: OpenApiResponse(ErrorSerializer, description="Bad input, naming the field."),
        409: OpenApiResponse(
            ErrorSerializer, description="This Idempotency-Key was used for another file."
        ),
        413: OpenApiResponse(ErrorSerializer, description="The file is too large."),
        **ERRORS,
    }


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"

    def __init__(self):
        limit_mb = settings.PLACEMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
        super().__init__(f"The file is larger than the {limit_mb} MB limit; split it into parts.")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops a body with no (or a lying) Content-Length once it passes the limit."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge
        return raw_data  # the next handler (memory / temporary file) keeps it

    def file_complete(self, file_size):
        return None


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """The API answers JSON; `?format=csv` is handled by the one view that offers it."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BankApiView:
    """What every bank endpoint shares: the bank from the key, JSON only."""

    content_negotiation_class = JSONOnlyNegotiation

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # DRF copies the principal onto the Django request; simple-history's
        # middleware would then try to store a bank as a history user. Services
        # name the bank and key in the history instead.
        request._request.user = AnonymousUser()

    @property
    def bank(self):
        return self.request.user.bank

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        return get_scoped_object_or_404(
            queryset, user=self.request.user, pk=self.kwargs[self.lookup_field]
        )


class StrictPageSizeMixin:
    """`page_size` that is present must be a whole number within the limit: DRF's
    pagination falls back to the default for `page_size=null` or `page_size=`, and a
    bank would page through the wrong amount without knowing why."""

    def get_page_size(self, request):
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        raw = request.query_params[self.page_size_query_param].strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Use a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)


class PlacementPagination(StrictPageSizeMixin, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RowErrorPagination(StrictPageSizeMixin, PageNumberPagination):
    page_size = 200
    page_size_query_param = "page_size"
    max_page_size = 1000


class BankFileUploadMixin:
    """What the uploads of bank files share (placements, repayment files): the size limit
    before a byte is read, the upload throttle, the Idempotency-Key, the answer
    (202 new / 200 the first upload / 409 / 400 naming the field) and the rejected
    rows as JSON or CSV."""

    # The docstring above is what the bank API docs show as the list and detail
    # endpoints' description (the viewsets have none): changing it changes the docs.
    # List and detail: the bank's own files, newest first, from `files_for_bank` (the
    # kind's bank-scoped selector).
    files_for_bank: staticmethod  # (bank=) → the bank's files
    pagination_class = PlacementPagination
    parser_classes = [MultiPartParser]  # only the upload has a body
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.files_for_bank(bank=self.bank).order_by("-received_at", "-pk")

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(BankApiUploadRateThrottle())
        return throttles

    def initial(self, request, *args, **kwargs):
        if request.method == "POST" and self.action == "create":
            # First thing, before authentication or any read of the body: an
            # announced size above the limit is refused without storing a byte.
            limit = settings.PLACEMENT_MAX_UPLOAD_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                raise ParseError("Invalid Content-Length header.") from None
            if length > limit:
                raise UploadTooLarge
            request._request.upload_handlers = [
                SizeLimitUploadHandler(request._request, limit=limit),
                *request._request.upload_handlers,
            ]
        super().initial(request, *args, **kwargs)

    def receive_upload(self, request, *, upload_serializer_class, serializer_class, receive):
        """`receive(bank=, uploaded_file=, agreement=, idempotency_key=, api_key=,
        uploaded_by=)` → (row, created), raising BankFileInputError / BankFileConflict."""
        from cases.services.bank_files import BankFileConflict, BankFileInputError

        upload = upload_serializer_class(data=request.data)
        upload.is_valid(raise_exception=True)
        if upload.validated_data["file"].size > settings.PLACEMENT_MAX_UPLOAD_BYTES:
            raise UploadTooLarge  # the body was smaller than announced, the file is not
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if idempotency_key and not _IDEMPOTENCY_KEY.match(idempotency_key):
            raise ValidationError(
                {"Idempotency-Key": ["Use at most 128 printable ASCII characters, no spaces."]}
            )
        agreement = None
        agreement_id = upload.validated_data.get("agreement")
        if agreement_id is not None:
            agreement = (
                selectors.agreement_list_for_bank(bank=self.bank).filter(pk=agreement_id).first()
            )
            if agreement is None:
                raise ValidationError({"agreement": ["You have no agreement with this id."]})
        try:
            received, created = receive(
                bank=self.bank,
                uploaded_file=upload.validated_data["file"],
                agreement=agreement,
                idempotency_key=idempotency_key,
                api_key=request.auth,
                uploaded_by=None,
            )
        except BankFileConflict as exc:
            raise Conflict(str(exc) or "This Idempotency-Key was used for another file.") from exc
        except BankFileInputError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        data = serializer_class(received, context={"request": request}).data
        return Response(
            data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
            headers={"Location": data["links"]["self"]},
        )

    def row_errors_response(self, request, queryset, *, filename: str, serializer_class):
        if request.query_params.get("format") == "csv":
            columns = ["row_number", "column", "severity", "message"]
            if "severity" not in serializer_class.Meta.fields:
                columns.remove("severity")
            rows = queryset.values_list(*columns)
            return csv_response(
                filename,
                ["row", *columns[1:]],
                rows.iterator(chunk_size=2000),
            )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Your placements, newest first",
        description="The placement files your bank uploaded, paginated (`page`, `page_size`).",
        responses={200: PlacementSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One placement: status, counts and progress",
        description="Poll it after an upload until `status` is `completed` or `failed`; "
        "rejected rows are listed at `errors/`.",
        responses={200: PlacementSerializer, **ERRORS},
    ),
)
class PlacementViewSet(
    BankFileUploadMixin,
    BankApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Placement.objects.none()
    serializer_class = PlacementSerializer
    files_for_bank = staticmethod(selectors.placement_list_for_bank)

    @extend_schema(
        summary="Upload a placement file",
        description=(
            "Multipart upload of one placement file. Answers `202 Accepted` at once with the "
            "placement; the import runs in the background — poll the placement's `self` link "
            "until `status` is `completed` or `failed`.\n\n"
            "Idempotent: the same file again, or the same `Idempotency-Key`, answers "
            "`200 OK` with the FIRST placement and imports nothing twice. The same key with a "
            "different file is `409 Conflict`. A file above the size limit is `413`."
        ),
        request={"multipart/form-data": PlacementUploadSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses=upload_responses(PlacementSerializer, first="the first placement"),
    )
    def create(self, request, *args, **kwargs):
        # Imported here: the intake engine is heavy and only the upload needs it.
        from cases.services.placements import placement_receive

        return self.receive_upload(
            request,
            upload_serializer_class=PlacementUploadSerializer,
            serializer_class=PlacementSerializer,
            receive=placement_receive,
        )

    @row_errors_schema(
        PlacementRowErrorSerializer, summary="Rejected rows (and warnings) of a placement"
    )
    @action(detail=True, methods=["get"], pagination_class=RowErrorPagination)
    def errors(self, request, pk=None):
        placement = self.get_object()
        return self.row_errors_response(
            request,
            selectors.placement_errors(placement=placement),
            filename=f"placement-{placement.pk}-errors.csv",
            serializer_class=PlacementRowErrorSerializer,
        )


class CaseCursorPagination(StrictPageSizeMixin, CursorPagination):
    # Ascending by last change: a bank syncs with `updated_since` and follows `next`.
    ordering = ("updated_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


MAX_UTC_OFFSET = dt.timedelta(hours=14)


def _updated_since(raw: str) -> dt.datetime:
    """The filter's moment in UTC; a 400 naming the parameter for anything else."""
    try:
        # Raises ValueError for a well-formed but impossible value (the 31st of November).
        value = parse_datetime(raw) or parse_date(raw)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time.min)
        if value is not None:
            if timezone.is_naive(value):
                value = timezone.make_aware(value, dt.UTC)
            # Python accepts offsets up to ±23:59, PostgreSQL only ±15:59 (-20:25 was a
            # 500); no zone on Earth is beyond -12:00…+14:00, so such an offset is a bug.
            if abs(value.utcoffset()) > MAX_UTC_OFFSET:
                raise ValueError("offset out of range")
            value = value.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValidationError(
            {"updated_since": [_("Use an ISO 8601 date or date-time, e.g. 2026-11-01T08:00Z.")]}
        )
    return value


def money_prefetches() -> list[Prefetch]:
    """The case detail's promises (not cancelled) and confirmed payments: two queries."""
    return [
        Prefetch(
            "promises",
            queryset=Promise.objects.exclude(status=Promise.Status.CANCELLED).order_by(
                "-due_on", "-pk"
            ),
            to_attr="api_promises",
        ),
        Prefetch(
            "payments",
            queryset=Payment.objects.filter(status=Payment.Status.CONFIRMED).order_by(
                "-paid_on", "-pk"
            ),
            to_attr="api_payments",
        ),
    ]


@extend_schema_view(
    list=extend_schema(
        summary="Your cases",
        description="Cursor-paginated, oldest change first; follow `next`.",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=Case.Status.values, description="Only this status."
            ),
            OpenApiParameter("account_no", OpenApiTypes.STR, description="Exact account number."),
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="Changed at or after this time (ISO 8601; UTC if no zone).",
            ),
        ],
        responses={200: CaseSerializer, 400: ErrorSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One case: status, balances, last contact",
        description="A case your bank placed, with its promises and confirmed payments "
        "(no collector's personal data).",
        responses={200: CaseDetailSerializer, **ERRORS},
    ),
)
class CaseViewSet(
    BankApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = Case.objects.none()
    pagination_class = CaseCursorPagination
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        # `work_status` reads the annotation: no query per case for its holds.
        if self.action != "list":
            return with_active_hold(selectors.case_list_for_bank(bank=self.bank)).prefetch_related(
                selectors.contact_points_prefetch(), *money_prefetches()
            )
        params = self.request.query_params
        for name in ("status", "account_no", "updated_since"):
            # Present but empty is a client bug (a template left blank): say so rather
            # than answer with every case as if no filter had been asked for.
            if name in params and not params[name].strip():
                raise ValidationError(
                    {name: [_("This filter is empty; leave it out or give a value.")]}
                )
        case_status = params.get("status", "").strip()
        if case_status and case_status not in Case.Status.values:
            raise ValidationError({"status": [f"Use one of: {', '.join(Case.Status.values)}."]})
        updated_since = params.get("updated_since", "").strip()
        return with_active_hold(
            selectors.case_list_for_bank(
                bank=self.bank,
                status=case_status,
                account_no=params.get("account_no", "").strip(),
                updated_since=_updated_since(updated_since) if updated_since else None,
            )
        )

    @extend_schema(
        summary="Recall (withdraw) a case",
        description=(
            "Work on the case stops; its history is kept. Idempotent: recalling a recalled "
            "case answers 200 with it unchanged. Only `reason` is read; any other field "
            "(status, balances, assignee …) is ignored. A settled or closed case is `409`."
        ),
        request=CaseRecallSerializer,
        responses={
            200: CaseDetailSerializer,
            400: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The case is already finished."),
            **ERRORS,
        },
        examples=[OpenApiExample("With a reason", value={"reason": "Debtor paid the bank"})],
    )
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        case = self.get_object()
        body = CaseRecallSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            case_recall(
                case=case, api_key=request.auth, reason=body.validated_data.get("reason", "")
            )
        except CaseRecallNotAllowed as exc:
            raise Conflict(str(exc)) from exc
        case = self.get_object()
        return Response(CaseDetailSerializer(case, context={"request": request}).data)
