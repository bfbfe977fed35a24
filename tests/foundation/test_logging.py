"""Structured logs never carry an unmasked ID number, mobile phone or card number."""

import io
import json
import logging
import re

import pytest

from collections_office.logging import JsonFormatter, MaskPersonalDataFilter

ID_NUMBER = "11010519491231002X"
MOBILE = "13812345678"
CARD = "6222021234567890128"  # passes the Luhn check, as real cards do

# Anything that still looks like one of them after masking is a leak.
LEAKS = [
    re.compile(r"\d{17}[\dXx]"),  # an ID number
    re.compile(r"1[3-9]\d{9}"),  # a mobile phone
    re.compile(r"\d{13,19}"),  # a card number
    re.compile(r"1[3-9]\d[ -]?\d{4}[ -]?\d{4}"),  # a mobile written in groups
    re.compile(r"\d{4}([ -]?\d{4}){3}"),  # a card written in groups
]


@pytest.fixture
def json_log():
    """A logger wired like settings.LOGGING's console handler, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskPersonalDataFilter())
    logger = logging.getLogger("tests.personal_data_masking")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    logger.lines = lines
    yield logger
    logger.removeHandler(handler)


def assert_no_leak(text: str) -> None:
    for pattern in LEAKS:
        assert not pattern.search(text), f"{pattern.pattern} found in {text!r}"


@pytest.mark.parametrize(
    ("message", "args", "shown"),
    [
        ("debtor id %s imported", (ID_NUMBER,), "110105********002X"),
        ("debtor id %s imported", (ID_NUMBER.lower(),), "110105********002x"),
        ("called %s, no answer", (MOBILE,), "*******5678"),
        ("called +86 %s", (MOBILE,), "5678"),
        ("called +86%s", (MOBILE,), "5678"),
        ("called %s", ("138-1234-5678",), "5678"),
        ("called %s", ("138 1234 5678",), "5678"),
        ("card %s charged", (CARD,), "622202*********0128"),
        ("card %s charged", ("6222 0212 3456 7894",), "7894"),
        ("card %s charged", ("6222-0212-3456-7894",), "7894"),
        ("row {'id_number': '%s', 'phone': '%s'}", (ID_NUMBER, MOBILE), "002X"),
        ("id=%s,phone=%s,card=%s", (ID_NUMBER, MOBILE, CARD), "0128"),
        ("%s,%s,%s", (ID_NUMBER, MOBILE, CARD), "110105********002X,*******5678,622202"),
        ("GET /cases/search/%s/", (MOBILE,), "/cases/search/*******5678/"),
        ("user_%s", (MOBILE,), "user_*******5678"),
        ("手机：%s。", (MOBILE,), "手机：*******5678。"),
        ("id %s.", (ID_NUMBER,), "id 110105********002X."),
        ("身份证号%s手机%s", (ID_NUMBER, MOBILE), "身份证号"),
        ("id %s", ("110105 19491231 002X",), "110105********002X"),
        ("called %s", ("+86 138 1234 5678",), "5678"),
        ("called %s", ("008613812345678",), "5678"),
        ("amex %s", ("3714 496353 98431",), "8431"),
    ],
)
def test_messages_are_masked(json_log, message, args, shown):
    json_log.warning(message, *args)
    [entry] = json_log.lines()
    assert_no_leak(entry["message"])
    assert shown in entry["message"]


@pytest.mark.parametrize(
    "message",
    [
        "case 4711: 12 rows, amount 1234567.89, on 2026-02-14 10:00",
        "period 2026-02-01 2026-02-28, employee E0012",
        "request 550e8400-e29b-41d4-a716-446655440000 took 1234 ms",
        "landline 021-62781234",
        # Durations and other decimals: digits after a point are never personal data.
        "query took 0.02251234565496s",
        "import took 0.022512345678905496s, 13812345678.5 rows/s",
        # Long numbers that fail the check real ones pass.
        "order 6222021234567890 shipped",  # fails the Luhn check
        "trace 110105194912310021",  # wrong GB 11643 check character
        "batch 110105194913310026",  # month 13: not a birth date
        "at 1764480000000 ms",  # a millisecond timestamp (13 digits)
        "counter 12345678901",  # no mobile starts with 12
        "sequence 10012345678",  # nor with 10
        "hash a13812345678b",  # inside a word
    ],
)
def test_ordinary_numbers_are_left_alone(json_log, message):
    json_log.info(message)
    [entry] = json_log.lines()
    assert entry["message"] == message


def test_exceptions_and_extra_fields_are_masked_too(json_log):
    try:
        raise ValueError(f"no debtor with ID {ID_NUMBER} or phone {MOBILE}")
    except ValueError:
        json_log.exception(
            "lookup failed", extra={"path": f"/cases/search/{MOBILE}/", "object_id": ID_NUMBER}
        )
    [entry] = json_log.lines()
    raw = json.dumps(entry, ensure_ascii=False)
    assert_no_leak(raw)
    assert "110105********002X" in entry["exception"]
    assert entry["path"] == "/cases/search/*******5678/"
    assert entry["object_id"] == "110105********002X"


def test_the_formatter_masks_even_without_the_filter():
    """Defence in depth: a handler configured with the formatter only still masks."""
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "id %s phone %s card %s", (ID_NUMBER, MOBILE, CARD), None
    )
    output = JsonFormatter().format(record)
    assert_no_leak(output)
    assert json.loads(output)["level"] == "INFO"


def test_the_formatter_masks_extra_fields_without_the_filter():
    """The filter masks the extra fields too, so only the formatter on its own shows
    whether the formatter does: a handler configured without the filter must not leak."""
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "not found", None, None)
    record.path = f"/cases/search/{MOBILE}/"
    record.object_id = ID_NUMBER
    record.object_type = f"card {CARD}"
    entry = json.loads(JsonFormatter().format(record))
    assert_no_leak(json.dumps(entry, ensure_ascii=False))
    assert entry["path"] == "/cases/search/*******5678/"
    assert entry["object_id"] == "110105********002X"
    assert entry["object_type"] == "card 622202*********0128"


def test_the_project_logging_configuration_masks():
    """settings.LOGGING's console handler writes JSON with the mask applied."""
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, JsonFormatter)
    ]
    assert any(isinstance(f, MaskPersonalDataFilter) for f in console.filters)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        logging.getLogger("collections_office.test").warning(
            "collector called %s about %s", MOBILE, ID_NUMBER
        )
    finally:
        console.setStream(previous)
    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert entry["message"] == "collector called *******5678 about 110105********002X"
    assert_no_leak(stream.getvalue())


def handlers_reached_by(logger_name: str) -> list[logging.Handler]:
    """Every handler a record of this logger reaches (following propagation)."""
    handlers = []
    logger = logging.getLogger(logger_name)
    while logger:
        # pytest's own capture handlers are not part of the project's configuration.
        handlers.extend(
            handler
            for handler in logger.handlers
            if not type(handler).__module__.startswith("_pytest")
            and not isinstance(handler, logging.NullHandler)  # writes nothing
        )
        if not logger.propagate:
            break
        logger = logger.parent
    return handlers


@pytest.mark.parametrize(
    "logger_name",
    ["django", "django.request", "django.server", "django.security", "celery", "axes", "cases"],
)
def test_every_logger_writes_only_through_the_masking_json_handler(logger_name):
    """Django's default handlers (runserver's access lines, the DEBUG console) would print
    URLs and messages unmasked next to the JSON lines."""
    handlers = handlers_reached_by(logger_name)
    assert handlers
    for handler in handlers:
        assert isinstance(handler.formatter, JsonFormatter), (logger_name, handler)
        assert any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters)


def test_celery_workers_keep_the_projects_log_handlers():
    from collections_office.celery import app

    # Otherwise a worker replaces the root handlers with Celery's plain, unmasked ones.
    assert app.conf.worker_hijack_root_logger is False


def test_a_4xx_answer_is_one_warning_line_without_a_traceback(client, django_user_model):
    """A view raising PermissionDenied (a wrong role) is the client's mistake: Django
    logs it at WARNING with the exception attached; the line carries no traceback."""
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, JsonFormatter)
    ]
    user = django_user_model.objects.create_user("no.role", password="x-123456789012")
    client.force_login(user)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.get("/frontdesk/visitors/new/")
    finally:
        console.setStream(previous)

    assert response.status_code == 403
    [entry] = [
        json.loads(line) for line in stream.getvalue().splitlines() if '"django.request"' in line
    ]
    assert entry["level"] == "WARNING"
    assert entry["status_code"] == 403
    assert "exception" not in entry
    assert "\n" not in entry["message"]


def test_a_5xx_answer_keeps_its_traceback():
    from collections_office.logging import ClientErrorsWithoutTracebackFilter

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "oops", None, sys.exc_info()
        )
    record.status_code = 500
    ClientErrorsWithoutTracebackFilter().filter(record)

    assert "RuntimeError: boom" in JsonFormatter().format(record)
