"""Stored recordings streamed to the browser's audio player, answering Range requests
with 206 (seeking in a long recording fetches only what is played). Call recordings and
visit recordings are served the same way."""

from __future__ import annotations

import logging
import re

from django.http import Http404, HttpResponse, StreamingHttpResponse

logger = logging.getLogger("cases.views")

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _file_chunks(handle, start: int, length: int):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(
    request, field_file, *, content_type: str, filename: str, log_extra: dict | None = None
):
    """The stored file (a FieldFile) as a 200, a 206 for one byte range, or a 416."""
    try:
        handle = field_file.open("rb")
        size = field_file.size
    except (FileNotFoundError, OSError):
        logger.error("stored recording is missing", extra=log_extra or {})
        raise Http404 from None
    content_type = content_type or "application/octet-stream"
    header = request.headers.get("Range", "").strip()
    start, end, status = 0, size - 1, 200
    if header:
        match = RANGE.match(header)
        if match is None or (not match.group(1) and not match.group(2)):
            # Several ranges or a malformed header: answer with the whole file (RFC 9110).
            match = None
        if match is not None:
            first, last = match.groups()
            if first:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            else:  # a suffix: the last N bytes
                start = max(size - int(last), 0)
            if start >= size or start > end:
                handle.close()
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{size}"
                response["Accept-Ranges"] = "bytes"
                response["Cache-Control"] = "private, no-store"
                return response
            status = 206
    length = end - start + 1 if size else 0
    response = StreamingHttpResponse(
        _file_chunks(handle, start, length), status=status, content_type=content_type
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
