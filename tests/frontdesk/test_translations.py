"""The front desk's Simplified Chinese catalogue is complete, compiled, and used."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from staff.services import notification_send

CATALOGUE = Path(__file__).resolve().parents[2] / "frontdesk" / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries() -> list[dict]:
    entries = []
    for block in CATALOGUE.joinpath("django.po").read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = None
        for line in (line for line in lines if not line.startswith("#")):
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            entries.append({**fields, "flags": flags})
    return entries


def _unescape(text: str) -> str:
    return ast.literal_eval(f'"{text}"')


def test_every_front_desk_string_is_translated_with_its_placeholders():
    entries = po_entries()
    assert len(entries) > 300
    for entry in entries:
        translated = entry.get("msgstr") or entry.get("msgstr[0]")
        assert translated, entry["msgid"]
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        placeholders = set(re.findall(r"%\(\w+\)s", entry["msgid"]))
        assert placeholders == set(re.findall(r"%\(\w+\)s", translated)), entry["msgid"]


def test_the_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as committed:
        compiled = gettext.GNUTranslations(committed)._catalog
    for entry in po_entries():
        msgid = _unescape(entry["msgid"])
        if "msgid_plural" in entry:
            assert compiled.get((msgid, 0)) == _unescape(entry["msgstr[0]"]), msgid
        else:
            assert compiled.get(msgid) == _unescape(entry["msgstr"]), msgid


@pytest.mark.django_db
def test_the_desk_pages_read_in_chinese(client, desk):
    profile = desk.staff_profile
    profile.language = "zh-hans"
    profile.save()
    client.force_login(desk)
    page = client.get(reverse("frontdesk:visit_register")).content.decode()
    assert "登记访客" in page
    assert "登记并通知被访人" in page
    with translation.override("zh-hans"):
        assert translation.gettext("In the building now") == "当前在访人员"


@pytest.mark.django_db
def test_the_notification_centre_reads_in_chinese_from_the_project_catalogue(client, host):
    # Its strings left this catalogue for the project's (locale/): the bell stays Chinese.
    own = {_unescape(entry["msgid"]) for entry in po_entries()}
    assert "Mark all read" not in own
    profile = host.staff_profile
    profile.language = "zh-hans"
    profile.save()
    notification_send(recipient=host, title="x", url="/frontdesk/mine/", email=False)
    client.force_login(host)
    page = client.get(reverse("staff:notifications")).content.decode()
    assert "全部标为已读" in page
    assert "Mark all read" not in page
