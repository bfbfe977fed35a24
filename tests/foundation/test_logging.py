"""Structured logs never carry an unmasked ID number, mobile phone or card number."""

import io
import json
import logging
import re

import pytest

from collections_office.logging import JsonFormatter, MaskPersonalDataFilter

ID_NUMBER = "11010519491231002X"
MOBILE = "13812345678"
CARD = "6222021234567890123"

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
        ("card %s charged", (CARD,), "622202*********0123"),
        ("card %s charged", ("6222 0212 3456 7890",), "7890"),
        ("card %s charged", ("6222-0212-3456-7890",), "7890"),
        ("row {'id_number': '%s', 'phone': '%s'}", (ID_NUMBER, MOBILE), "002X"),
        ("id=%s,phone=%s,card=%s", (ID_NUMBER, MOBILE, CARD), "0123"),
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
    assert entry["object_type"] == "card 622202*********0123"


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
