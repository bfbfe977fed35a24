"""`read_upload`, the one pass over a bank's upload (placements and repayment files): its
SHA-256, size and first bytes, the size limit at its edge, and a file to store from that
starts at its first byte — for Django's uploads and for a one-way stream alike."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cases.intake.readers import SNIFF_BYTES
from cases.services.bank_files import BankFileInputError, read_upload

CONTENT = bytes(range(256)) * 600  # 153,600 bytes: more than the sniffed head


class EndsOnce(io.BytesIO):
    """A stream that refuses to be read again once it has said it ended (`b""`):
    `read_upload` stops there. A loop that read on would wait on a socket forever,
    and here fails at once instead of running until a time limit stops it."""

    _ended = False

    def read(self, size: int | None = -1) -> bytes:
        assert not self._ended, "read again after the end of the stream"
        data = super().read(size)
        self._ended = data == b""
        return data

    def seek(self, *args) -> int:
        self._ended = False
        return super().seek(*args)


class OneWayStream:
    """A stream that cannot seek and hands out at most `step` bytes a read (a socket)."""

    def __init__(self, content: bytes, step: int):
        self._stream, self._step = EndsOnce(content), step

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(min(size, self._step) if size > 0 else self._step)

    def seek(self, *args):  # a pipe's file object has the method, and it refuses
        raise io.UnsupportedOperation("seek")

    def seekable(self) -> bool:
        return False


def test_a_django_upload_is_hashed_measured_and_handed_back_from_its_first_byte():
    upload = SimpleUploadedFile("cases.csv", CONTENT)
    upload.read(1000)  # a validator already read some of it
    sha256, size, head, source = read_upload(upload)
    assert (sha256, size) == (hashlib.sha256(CONTENT).hexdigest(), len(CONTENT))
    assert head == CONTENT[:SNIFF_BYTES]
    assert source is upload and source.read() == CONTENT


def test_a_one_way_stream_in_small_reads_is_copied_and_its_head_assembled_across_reads():
    stream = OneWayStream(CONTENT, step=1000)
    sha256, size, head, source = read_upload(stream)
    assert (sha256, size) == (hashlib.sha256(CONTENT).hexdigest(), len(CONTENT))
    assert head == CONTENT[:SNIFF_BYTES]  # 66 reads of 1,000 bytes make the head
    assert source is not stream
    assert source.read() == CONTENT  # the copy, from its first byte


def test_a_seekable_stream_without_chunks_is_read_from_its_start():
    stream = EndsOnce(CONTENT)
    stream.seek(500)
    sha256, size, _head, source = read_upload(stream)
    assert (sha256, size, source) == (hashlib.sha256(CONTENT).hexdigest(), len(CONTENT), stream)
    assert source.read() == CONTENT


def test_a_file_shorter_than_the_head_is_all_head():
    _sha256, size, head, source = read_upload(OneWayStream(b"a;b\n1;2\n", step=3))
    assert (size, head, source.read()) == (8, b"a;b\n1;2\n", b"a;b\n1;2\n")


@override_settings(PLACEMENT_MAX_UPLOAD_BYTES=len(CONTENT))
def test_a_file_of_exactly_the_limit_is_taken_and_one_byte_more_is_refused():
    assert read_upload(SimpleUploadedFile("at-the-limit.csv", CONTENT))[1] == len(CONTENT)
    with pytest.raises(BankFileInputError) as refused:
        read_upload(OneWayStream(CONTENT + b"x", step=4096))
    assert refused.value.field == "file"
