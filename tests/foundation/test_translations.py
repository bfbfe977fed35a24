"""The project's Simplified Chinese catalogue is complete, compiled, and used."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries() -> list[dict]:
    """msgid, msgstr(s) and flags of every entry but the header."""
    entries = []
    for block in CATALOGUE.joinpath("django.po").read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        text = "\n".join(line for line in lines if not line.startswith("#"))
        fields: dict[str, str] = {}
        key = None
        for line in text.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            entries.append({**fields, "flags": flags})
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 80
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def unescape(po_string: str) -> str:
    return ast.literal_eval(f'"{po_string}"')


def test_the_compiled_catalogue_matches_the_source():
    """The committed .mo says what the .po says (compilemessages was run after editing)."""
    with (CATALOGUE / "django.mo").open("rb") as committed:
        compiled = gettext.GNUTranslations(committed)._catalog
    for entry in po_entries():
        msgid = unescape(entry["msgid"])
        if "msgctxt" in entry:  # gettext keys a context's entry as "context\x04msgid"
            msgid = f"{unescape(entry['msgctxt'])}\x04{msgid}"
        if "msgid_plural" in entry:
            assert compiled.get((msgid, 0)) == unescape(entry["msgstr[0]"]), msgid
        else:
            assert compiled.get(msgid) == unescape(entry["msgstr"]), msgid


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Dashboard", "工作台"),
        ("Staff", "员工"),
        ("Log out", "退出登录"),
        ("Log in", "登录"),
        ("Not found", "未找到"),
        ("Supervisor", "主管"),
        ("Phone collector", "电话催收员"),
    ],
)
def test_navigation_and_roles_read_in_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese


def test_placeholders_survive_translation():
    with translation.override("zh-hans"):
        text = translation.ngettext("%(counter)s row", "%(counter)s rows", 3) % {"counter": 3}
    assert "3" in text
