"""In a real browser: the case-status chart prints each bar's number (a hairline says nothing)."""

from __future__ import annotations

import pytest

from cases.models import Case
from staff import roles
from tests.cases.api.builders import make_case
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records every text a canvas draws, before the page's scripts run.
RECORD_CANVAS_TEXT = """
window.__canvasTexts = [];
const original = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.__canvasTexts.push(String(text));
  return original.call(this, text, ...rest);
};
"""


def test_the_case_status_bars_carry_their_numbers(page, staff_user, agreement_a):
    staff_user(roles.SUPERVISOR, branch=agreement_a.branch, username="chart.supervisor")
    # Counts that are not round, so no axis tick can print them: 251 new, 7 recalled.
    cases = [make_case(agreement_a) for _ in range(258)]
    Case.objects.filter(pk__in=[case.pk for case in cases[:7]]).update(
        status=Case.Status.RECALLED, recalled_at=cases[0].placed_at
    )

    page.add_init_script(RECORD_CANVAS_TEXT)
    browser_login(page, "chart.supervisor")
    page.goto("/")
    # The panel arrives after the page (its own request): wait for its chart to be drawn.
    # Polled from Python: wait_for_function evaluates a string in the page, which the
    # Content Security Policy (no 'unsafe-eval') refuses.
    page.wait_for_selector("#panel-cases canvas")
    texts = []
    for _attempt in range(100):
        texts = page.evaluate("window.__canvasTexts")
        if texts:
            break
        page.wait_for_timeout(100)
    assert "251" in texts  # the new cases' bar
    assert "7" in texts  # the recalled cases' bar, not only a hairline
