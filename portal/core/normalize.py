"""Normalising what residents type: full-width digits, hyphens of every shape, hiragana and katakana."""

import re
import unicodedata

HYPHENS = "-‐‑‒–—―−ーｰ－"
KANA = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb 　]+$")


def tidy(text: str | None) -> str:
    """What was typed, full-width forms folded (NFKC: common on Japanese phones) and trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


#: Unicode categories never meant to be seen in a name: controls (Cc), format characters (Cf: bidi overrides and
#: isolates, zero-width space/joiners, the BOM, soft hyphen…), unassigned (Cn), private use (Co), surrogates (Cs).
_INVISIBLE = {"Cc", "Cf", "Cn", "Co", "Cs"}


def clean_name(text: str | None) -> str:
    """A person's name or a file's display name as it may be shown: folded like tidy(), with every control,
    bidi and zero-width character removed and runs of white space made one space.

    "invoice\u202efdp.exe" is shown as "invoicefdp.exe", never reversed; "多摩\u200b花子" as "多摩花子".
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(" " if c in "\t\n\r" else c for c in text if c in "\t\n\r" or
                   unicodedata.category(c) not in _INVISIBLE)
    return re.sub(r"\s+", " ", text).strip()


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
