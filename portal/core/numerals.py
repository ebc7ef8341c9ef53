"""Kanji numerals for committee terms (第九期): Babel spells numbers only in digits."""

DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text += ("" if tens == 1 else DIGITS[tens]) + "十"
    if ones:
        text += DIGITS[ones]
    return text
