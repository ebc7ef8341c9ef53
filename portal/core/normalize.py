"""Normalising what residents type: full-width digits, hyphens of every shape, hiragana and katakana."""

import re
import unicodedata

HYPHENS = "-‐‑‒–—―−ーｰ－"
KANA = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb 　]+$")


def tidy(text: str | None) -> str:
    """What was typed, full-width forms folded (NFKC: common on Japanese phones) and trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def to_katakana(text: str) -> str:
    """ひらがな → カタカナ, half-width ｶﾀｶﾅ → full width, spaces folded."""
    text = tidy(text)
    text = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
    return re.sub(r"\s+", " ", text)


def is_kana(text: str) -> bool:
    return bool(KANA.match(text))


def normalise_phone(text: str) -> str:
    """０４２－３３８－６８１１ → 042-338-6811 (digits and single hyphens only)."""
    text = tidy(text)
    text = "".join("-" if c in HYPHENS else c for c in text)
    text = re.sub(r"[\s()（）]+", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-")


def is_japanese_phone(text: str) -> bool:
    digits = text.replace("-", "")
    return bool(re.fullmatch(r"0\d{9,10}", digits)) and bool(re.fullmatch(r"[\d-]+", text))
