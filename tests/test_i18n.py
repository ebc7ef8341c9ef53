"""Catalogs are complete, English pages carry no Japanese interface text, content falls back marked."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from tests.pages import public_urls

ROOT = Path(__file__).resolve().parent.parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """The strings the code and templates use now, extracted afresh."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "--ignore-dirs=.* node_modules", "--no-location", "--omit-header",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    return read_po(pot.open("rb"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_interface_string_is_translated_and_none_is_fuzzy(fresh_template, lang):
    catalog = read_po((ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb"))
    assert not catalog.fuzzy, f"{lang} catalog header is fuzzy"
    problems = []
    for message in fresh_template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None:
            problems.append(f"missing: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(translated.string) if isinstance(translated.string, tuple) else not translated.string:
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, "\n".join(problems)


def visible_text_outside_japanese_content(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select('[lang="ja"], script, style, title'):
        element.decompose()
    return soup.get_text(" ")


def test_english_pages_carry_no_japanese_interface_text(demo_client):
    for url in public_urls() + ["/nope"]:
        html = demo_client.get("/en" + url).get_data(as_text=True)
        leftover = JAPANESE.findall(visible_text_outside_japanese_content(html))
        assert not leftover, f"{url}: {''.join(leftover)[:80]}"


def test_content_without_english_falls_back_to_japanese_marked_lang_ja(client, factory):
    meeting = factory.meeting(title_ja="英語のない会議", title_en=None, summary_ja="日本語だけの説明")
    html = client.get(f"/en/meetings/{meeting.id}").get_data(as_text=True)
    assert '<h1><span lang="ja">英語のない会議</span></h1>' in html
    assert '<div class="prose" lang="ja"><p>日本語だけの説明</p>' in html
    assert not JAPANESE.findall(visible_text_outside_japanese_content(html))


def test_staff_markdown_is_sanitised(client, factory):
    meeting = factory.meeting(summary_ja="**太字** <script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<strong>太字</strong>" in html
    assert "<script>alert(1)</script>" not in html and "javascript:" not in html
