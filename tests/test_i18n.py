"""Catalogs are complete and kept by the catalogs cycle, English pages carry no Japanese interface text,
content falls back marked."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from tests.pages import public_urls

ROOT = Path(__file__).resolve().parent.parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def pybabel(*args: str) -> None:
    """pybabel with the options `make catalogs` uses: pyproject.toml [tool.babel.*]; arguments given here win."""
    env = {**os.environ, "BABEL_PYPROJECT_TOML": str(ROOT / "pyproject.toml")}
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", *args],
                   cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory) -> Path:
    """The strings the code and templates use now, extracted afresh (not the committed messages.pot)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel("extract", "-o", str(pot))
    return pot


def catalog_of(lang: str, base: Path = ROOT / "translations"):
    with (base / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_interface_string_is_in_the_catalog_and_none_is_fuzzy(fresh_template, lang):
    """Japanese: every string translated. English: every string there with an empty msgstr (the code's English)."""
    catalog = catalog_of(lang)
    assert not catalog.fuzzy, f"{lang} catalog header is fuzzy"
    problems = []
    with fresh_template.open("rb") as fh:
        template = read_po(fh)
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else (entry and (entry.string,))
        if entry is None:
            problems.append(f"missing (run make catalogs): {message.id!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy (review the Japanese, then remove the flag): {message.id!r}")
        elif lang == "ja" and not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        elif lang == "en" and any(strings):
            problems.append(f"English belongs in the code, not in the en catalog: {message.id!r}")
    assert not problems, f"translations/{lang}/LC_MESSAGES/messages.po:\n" + "\n".join(problems)


def catalogs_copy(tmp_path: Path, edit) -> Path:
    """A copy of translations/ whose Japanese catalog went through edit(text) -> text, as in a text editor."""
    base = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", base, ignore=shutil.ignore_patterns("*.mo", "*.new"))
    po = base / "ja" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text, "the edit did not apply: choose strings the catalog still has"
    po.write_text(edited, encoding="utf-8")
    return base


def test_an_edit_made_in_the_japanese_catalog_survives_the_catalogs_cycle(fresh_template, tmp_path):
    base = catalogs_copy(tmp_path, lambda text: text.replace(
        'msgid "Parking"\nmsgstr "駐車場"\n',
        '# 市の表記に合わせる(有料のみ)\nmsgid "Parking"\nmsgstr "有料駐車場"\n'))
    pybabel("update", "-i", str(fresh_template), "-d", str(base))
    catalog = catalog_of("ja", base)
    parking = catalog.get("Parking")
    assert (parking.string, parking.user_comments) == ("有料駐車場", ["市の表記に合わせる(有料のみ)"])
    assert [m.id for m in catalog if m.fuzzy] == []


def test_a_string_whose_english_changed_comes_back_fuzzy_with_its_old_japanese(fresh_template, tmp_path):
    # The catalog still has the English the code used before.
    base = catalogs_copy(tmp_path, lambda text: text.replace(
        'msgid "Only meetings with seats left"\n', 'msgid "Only meetings with free seats left"\n'))
    pybabel("update", "-i", str(fresh_template), "-d", str(base))
    catalog = catalog_of("ja", base)
    assert catalog.get("Only meetings with seats left").string == "空きのある会議だけを表示"
    assert [m.id for m in catalog if m.fuzzy] == ["Only meetings with seats left"]
    # The reviewer sees the English the Japanese was written for.
    assert ('#, fuzzy\n#| msgid "Only meetings with free seats left"\nmsgid "Only meetings with seats left"\n'
            in (base / "ja" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8"))
    assert catalog.get("Only meetings with free seats left") is None


@pytest.mark.parametrize("prefix,left,over", [
    ("", "{count}文字(あと{left}文字)", "{count}文字({over}文字多すぎます)"),
    ("/en", "{count} characters ({left} left)", "{count} characters ({over} too many)"),
])
def test_the_character_counter_takes_its_wording_from_the_page(client, factory, prefix, left, over):
    consultation = factory.consultation()
    html = client.get(f"{prefix}/consultations/{consultation.id}/comment").get_data(as_text=True)
    counter = BeautifulSoup(html, "html.parser").select_one("#text-count")
    assert (counter["data-text-left"], counter["data-text-over"]) == (left, over)
    for script in (ROOT / "static" / "js").glob("*.js"):
        assert not JAPANESE.search(script.read_text(encoding="utf-8")), f"{script.name}: wording belongs in the page"


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
