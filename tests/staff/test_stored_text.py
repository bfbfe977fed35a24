"""Text stored in English (history reasons, import messages) reads in the viewer's language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cases.views.common import history_rows
from staff.stored_text import shown_in_language
from tests.cases.conftest import BankFactory


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [
        ("Bank registered", "登记银行"),
        ("Placement #12 (march.csv)", "委案 #12（march.csv）"),
        ("Recalled by bank cmb (key ab12cd)", "银行 cmb 撤案（密钥 ab12cd）"),
        ("Badge V-07 also held by visit #3", "访客证 V-07 同时由访问 #3 持有"),
        # An import message, its embedded problem translated too.
        ("The amount must not be negative.", "金额不能为负数。"),
        # A payment plan's unmet term: a literal "%" in the template ("%%").
        (
            "Down payment 10.0 % is below the agreement's minimum of 20 %.",
            "首付 10.0 % 低于协议规定的最低 20 %。",
        ),
        # Several lines: each on its own (a tally, then a note as typed).
        ("2 for out of 3 votes.\nHe is ready.", "共 3 票，赞成 2 票。\nHe is ready."),
        # An approval summary a service stored from its gettext_noop template.
        ("Visit plan for 2026-12-08: 4 cases", "2026-12-08 外访计划：4 个案件"),
    ],
)
def test_a_stored_english_text_is_shown_in_chinese(stored, chinese):
    with translation.override("zh-hans"):
        assert shown_in_language(stored) == chinese
    with translation.override("en"):
        assert shown_in_language(stored) == stored


def test_text_a_person_typed_is_shown_as_typed():
    with translation.override("zh-hans"):
        assert shown_in_language("Typo in the visitor's name") == "Typo in the visitor's name"
        assert shown_in_language("") == ""


@pytest.mark.django_db
def test_history_diffs_name_fields_and_choices_as_people_read_them():
    from cases.services.banks import bank_update

    bank = BankFactory(code="cmb", name="招商银行")
    bank_update(bank=bank, actor=None, routine_contact_name="张经理")
    with translation.override("en"):
        rows = history_rows(bank.history.order_by("-history_id"))
    assert rows[0]["changes"][0]["field"] == "Routine contact"
    assert rows[0]["entry"].history_change_reason == "Bank details changed"


@pytest.mark.django_db
def test_the_english_document_form_says_reference_no_without_traditional_characters(
    client, staff_user
):
    from staff import roles

    desk = staff_user(roles.FRONT_DESK)
    client.force_login(desk)
    page = client.get(reverse("frontdesk:document_register"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Reference no." in html
    assert "文號" not in html


def test_the_empty_choice_of_a_select_reads_in_chinese():
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"


def test_a_summary_built_in_english_reads_in_chinese_with_its_values():
    from django.utils.translation import gettext_noop

    from staff.stored_text import in_english

    with translation.override("zh-hans"):  # whoever asks, the text is stored in English
        stored = in_english(
            gettext_noop("%(type)s, %(start)s – %(end)s (%(days)s days): %(name)s"),
            type="Annual leave",
            start="2025-03-10",
            end="2025-03-11",
            days=2,
            name="Li Si",
        )
        assert stored == "Annual leave, 2025-03-10 – 2025-03-11 (2 days): Li Si"
        shown = shown_in_language(stored)
    assert shown.startswith("年假，2025-03-10 – 2025-03-11") and shown.endswith("Li Si")
    assert "days" not in shown
