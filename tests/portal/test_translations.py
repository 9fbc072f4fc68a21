"""The Simplified Chinese catalog: complete, not fuzzy, compiled, and actually used by the pages.

Chinese is the portal's primary language (LANGUAGE_CODE "zh-hans"); msgids are English. The
catalog lives in portal/locale/zh_Hans/LC_MESSAGES/django.po and its .mo is git-ignored on
purpose: `make install` compiles it, and the suite runs after `make install`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LC_MESSAGES = Path(settings.BASE_DIR) / "portal" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """A minimal reader for gettext-written .po files, where a blank line separates entries.

    Reads flags (``#,``), msgctxt, msgid, msgid_plural, msgstr / msgstr[n] and continuation
    strings; skips other comments and obsolete (``#~``) entries, which are not compiled.
    """
    entries: list[Entry] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            blocks[-1].append((number, raw.strip()))
        elif blocks[-1]:
            blocks.append([])
    for block in filter(None, blocks):
        entry = Entry(line=block[0][0])
        current: tuple[str, int] | None = None
        for number, line in block:
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
                continue
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                assert current is not None, f"django.po:{number}: string outside an entry"
                text = ast.literal_eval(line)
            else:
                keyword, _, value = line.partition(" ")
                match = re.fullmatch(r"(msgctxt|msgid|msgid_plural|msgstr)(?:\[(\d+)\])?", keyword)
                assert match, f"django.po:{number}: unknown keyword {keyword!r}"
                current = (match.group(1), int(match.group(2) or 0))
                entry.line = number if current[0] == "msgid" else entry.line
                text = ast.literal_eval(value)
            name, index = current
            if name == "msgstr":
                entry.msgstr[index] = entry.msgstr.get(index, "") + text
            else:
                setattr(entry, name, (getattr(entry, name) or "") + text)
        if entry.msgstr or entry.msgid or entry.msgctxt is not None:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[Entry]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing; run makemessages -l zh_Hans"
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(catalog) -> list[Entry]:
    entries = [e for e in catalog if e.msgid != ""]
    assert len(entries) > 100, "the catalog looks truncated"
    return entries


def test_header_declares_simplified_chinese_utf8_and_one_plural_form(catalog):
    header = next(e for e in catalog if e.msgid == "")
    assert "fuzzy" not in header.flags, "the header is fuzzy, so msgfmt ignores its charset"
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields.get("Language") == "zh_Hans"
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert fields.get("Project-Id-Version", "").startswith("portal")


def test_every_entry_is_translated(messages):
    empty = [e.where for e in messages if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    assert empty == [], "untranslated entries:\n" + "\n".join(empty)


def test_no_entry_is_fuzzy(messages):
    fuzzy = [e.where for e in messages if "fuzzy" in e.flags]
    assert fuzzy == [], "fuzzy entries (translate them and drop the flag):\n" + "\n".join(fuzzy)


def test_translations_keep_the_named_placeholders(messages):
    wrong = [
        f"{e.where}: {sorted(set(PLACEHOLDER.findall(s)))} ≠ {sorted(set(PLACEHOLDER.findall(e.msgid)))}"
        for e in messages
        for s in e.msgstr.values()
        if set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(e.msgid))
    ]
    assert wrong == [], "\n".join(wrong)


def test_catalog_is_compiled_and_up_to_date():
    assert MO_FILE.exists(), f"{MO_FILE} is missing; `make install` runs compilemessages before the suite"
    assert MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime, (
        "django.mo is older than django.po; run `make messages` (compilemessages)"
    )


@pytest.mark.django_db
def test_home_page_is_chinese_by_default(client):
    html = client.get(reverse("home")).content.decode()
    assert "登录" in html
    assert "注册" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_home_page_is_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "Log in" in html
    assert "Sign up" in html


def test_django_messages_reworded_in_5_2_are_chinese_on_chinese_pages():
    """Django 5.2 reworded the password-length message and its zh_Hans catalogue lags: ours has it."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("Qz7!")
    assert "密码太短，至少需要 10 个字符。" in refused.value.messages
