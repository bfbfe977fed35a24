"""Middleware of the cases app."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

# Room for the multipart envelope around the file: boundaries, part headers and the
# form's other fields (bank, agreement, CSRF token).
MULTIPART_ENVELOPE_BYTES = 64 * 1024


class PlacementUploadSizeMiddleware:
    """Refuses a staff placement upload announced above the size limit before anything
    reads its body.

    The form's own size check comes too late for a huge file: the CSRF check runs
    before the view and reads the whole body (to a temporary file) first. This runs
    before every middleware's `process_view`; the bank API checks the same limit in
    its view, which DRF reaches before reading the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._upload_path = None

    def __call__(self, request):
        if request.method == "POST" and self._is_upload(request):
            limit = settings.PLACEMENT_MAX_UPLOAD_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django's own parser refuses it
            if length > limit + MULTIPART_ENVELOPE_BYTES:
                return render(
                    request,
                    "cases/placement_too_large.html",
                    {
                        "limit_mb": limit // (1024 * 1024),
                        "size_mb": length // (1024 * 1024),
                        "upload_url": request.path,
                    },
                    status=413,
                )
        return self.get_response(request)

    def _is_upload(self, request) -> bool:
        if self._upload_path is None:
            # The repayment file upload has the same limit.
            self._upload_path = {
                reverse("cases:placement_upload"),
                reverse("cases:repayment_file_upload"),
            }
        return request.path_info in self._upload_path


class RecordingUploadSizeMiddleware:
    """Refuses a call (with its recording) announced above CALL_RECORDING_MAX_BYTES before
    anything reads its body — as `PlacementUploadSizeMiddleware` does for placements.

    Applies to the log-a-call form and to attaching a recording on a call's page; the
    service keeps its own check for a file just above the limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and self._is_recording_upload(request):
            limit = settings.CALL_RECORDING_MAX_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit + MULTIPART_ENVELOPE_BYTES:
                return render(
                    request,
                    "cases/calls/recording_too_large.html",
                    {
                        "limit_mb": limit // (1024 * 1024),
                        "size_mb": length // (1024 * 1024),
                        "upload_url": request.path,
                    },
                    status=413,
                )
        return self.get_response(request)

    @staticmethod
    def _is_recording_upload(request) -> bool:
        from django.urls import Resolver404, resolve

        if not request.path_info.startswith("/cases/"):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in ("cases:call_log", "cases:call_detail")
