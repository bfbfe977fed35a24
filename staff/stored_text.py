"""Text the system stores in English, shown in the reader's language.

History change reasons written by services ("Bank registered", "Placement #12 (march.csv)")
and the intake's row messages and failure reasons are stored in English: they are read
later by people in either language, and the bank API returns the row messages to banks in
English (its contract). A stored text is translated when it is shown (`shown_in_language`,
the template filter `stored_text`) by matching it against the English templates it was made
from: the templates in `TEMPLATES` below and every gettext literal of the modules in
`SOURCE_MODULES`; its parameters are translated the same way (a row message embeds a
problem such as "must not be negative"). Text nobody wrote from a template (a reason a
person typed for a correction) is shown as it was typed.

Services that store a sentence for others to read later (an approval's summary, a
committee's tally, a payment plan's unmet terms) write it with `in_english` from a
`gettext_noop` template of a module in `STORED_TEMPLATE_MODULES`: the template has its one
definition there, and is found here. A text of several lines is shown line by line (a
plan's unmet terms, one a line; a tally, then the note a person typed). A value put into
a template that is itself an English text of the catalogue (a choice's label, a default
leave type) is shown translated too.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# Modules whose gettext literals (`_("...")`) end up stored: their messages are found
# there, so a new message needs no entry here.
SOURCE_MODULES = (
    "cases.intake.columns",
    "cases.intake.engine",
    "cases.intake.readers",
    "cases.intake.repayments",
    "cases.intake.validation",
    "cases.intake.writers.common",
)

# Modules whose `gettext_noop` literals are texts that services store in English and
# people read later (approval summaries, a committee's tally, a plan's unmet terms).
STORED_TEMPLATE_MODULES = (
    "cases.services.plan_approval",
    "cases.services.procedures",
    "cases.services.promises",
    "cases.services.retention",
    "cases.services.visits",
    "staff.attendance.approvals",
    "staff.promotion.committee",
    "staff.training.services",
)

# History change reasons that services write in English (the same text, with `%(...)s`
# where the service puts a value).
TEMPLATES = (
    gettext_noop("Bank registered"),
    gettext_noop("Bank details changed"),
    gettext_noop("Placement column mapping changed"),
    gettext_noop("Bucket rate removed"),
    gettext_noop("Bucket rate set"),
    gettext_noop("Agreement filed"),
    gettext_noop("Agreement changed"),
    gettext_noop("API key issued"),
    gettext_noop("API key revoked"),
    gettext_noop("Placement #%(pk)s (%(name)s)"),
    gettext_noop("File received"),
    gettext_noop("import completed"),
    gettext_noop("import failed"),
    gettext_noop("Recalled by bank %(bank)s (key %(key)s): %(reason)s"),
    gettext_noop("Recalled by bank %(bank)s (key %(key)s)"),
    gettext_noop("Recalled by staff (%(user)s) for bank %(bank)s: %(reason)s"),
    gettext_noop("Recalled by staff (%(user)s) for bank %(bank)s"),
    gettext_noop("Recalled by bank %(bank)s: %(reason)s"),
    gettext_noop("Recalled by bank %(bank)s"),
    gettext_noop("Added on case %(case)s"),
    gettext_noop("Marked invalid on case %(case)s"),
    gettext_noop("Badge %(badge)s also held by visit #%(visit)s"),
    # The shipped compliance rule sets (cases migration 0010): reference data in English.
    gettext_noop("China 2026 default (banking association guideline, outsourced card collection)"),
    gettext_noop(
        "Calls 08:00–22:00 China time; at most 6 unanswered attempts per number per day; relatives and colleagues only once the debtor is unreachable (6 failed attempts over all the debtor's numbers within 3 days, no conversation) and only to ask how to reach the debtor; every call recorded."  # noqa: E501
    ),
    # Weekly reports, campaigns and call quality reviews (issue 10).
    gettext_noop("Started"),
    gettext_noop("Narrative saved"),
    gettext_noop("Submitted"),
    gettext_noop("Submitted again"),
    gettext_noop("Accepted"),
    gettext_noop("Returned"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Call reviewed"),
    gettext_noop("Confirmed as a violation"),
    gettext_noop("Checklist changed"),
    gettext_noop("US Regulation F (12 CFR 1006)"),
    gettext_noop(
        "Calls 08:00–21:00 in the debtor's local time; at most 7 calls in 7 consecutive days per debt, none for 7 days after a conversation; third parties only to locate the debtor; every call recorded."  # noqa: E501
    ),
    # The report schedules' descriptions shipped by reporting's data migrations.
    gettext_noop("Monday 06:00: the previous Monday–Sunday"),
    gettext_noop("The 1st at 06:00: the previous month"),
    gettext_noop("Monday 06:15: the previous Monday–Sunday"),
    gettext_noop("The 1st at 06:30: the previous month"),
    gettext_noop("The 1st at 06:10: the previous month"),
    # The retention purge (issue 13): its schedule and the purge record's history reasons.
    gettext_noop("Daily 02:30: agreements past their retention end, listed for approval"),
    gettext_noop("Dry-run list made by the daily retention review"),
    gettext_noop("Purge approved"),
    gettext_noop("Purge refused"),
    gettext_noop("Purge finished"),
    gettext_noop("Daily 05:30: the agreements whose reconciliation day it is, previous month"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def in_english(template: str, **params) -> str:
    """`template` (a `gettext_noop` literal of a module in STORED_TEMPLATE_MODULES) filled
    in English, the language texts are stored in; values that translate (lazy choice
    labels) are put in English too."""
    with translation.override("en"):
        return template % {name: str(value) for name, value in params.items()}


def _gettext_literals(module_name: str, calls=("_", "gettext", "gettext_lazy")) -> list[str]:
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) in calls
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(node.args[0].value)
    return found


def _pattern(template: str) -> re.Pattern:
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()].replace("%%", "%")))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        position = match.end()
    parts.append(re.escape(template[position:].replace("%%", "%")))
    return re.compile("".join(parts), re.DOTALL)


@functools.cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    templates = set(TEMPLATES)
    for module_name in SOURCE_MODULES:
        templates.update(_gettext_literals(module_name))
    for module_name in STORED_TEMPLATE_MODULES:
        templates.update(_gettext_literals(module_name, calls=("gettext_noop",)))
    # The most specific first: more fixed text wins over a looser template.
    # A template of placeholders only would match anything: it is never a stored message.
    templates = {t for t in templates if _PLACEHOLDER.sub("", t).strip(" .:;,")}
    ordered = sorted(templates, key=lambda t: len(_PLACEHOLDER.sub("", t)), reverse=True)
    return [(_pattern(template), template) for template in ordered]


def shown_in_language(text: str, *, depth: int = 0) -> str:
    """`text` (stored in English) in the active language; unknown text unchanged."""
    if not text or depth > 3:
        return text
    if "\n" in text and depth == 0:
        # No template spans lines, and a value matched across them would swallow the
        # lines after it: each line is a text of its own.
        return "\n".join(shown_in_language(line, depth=1) for line in text.split("\n"))
    for pattern, template in _patterns():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        translated = gettext(template)
        params = match.groupdict()
        if not params:
            return translated % {} if "%%" in template else translated
        return translated % {
            name: _shown_value(value, depth=depth + 1) for name, value in params.items()
        }
    return text


def _shown_value(value: str, *, depth: int) -> str:
    """A value that was put into a template: a text of its own, or a catalogue text."""
    shown = shown_in_language(value, depth=depth)
    if shown == value and value.strip():
        return gettext(value)
    return shown
