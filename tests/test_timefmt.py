"""Dates as Japanese and English residents read them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal.core.numerals import kanji_number
from portal.core.timefmt import format_day, format_when, month_bounds

TOKYO = ZoneInfo("Asia/Tokyo")


def jst(*args):
    return datetime(*args, tzinfo=TOKYO)


def test_japanese_date_with_era_year_weekday_and_range():
    assert format_when(jst(2025, 2, 1, 14), jst(2025, 2, 1, 16), "ja") == "令和7年(2025年)2月1日(土) 14:00〜16:00"


def test_english_date_and_time_range():
    assert format_when(jst(2025, 2, 1, 14), jst(2025, 2, 1, 16), "en") == "Sat 1 Feb 2025, 2:00–4:00 pm"
    assert format_when(jst(2025, 2, 1, 10, 30), jst(2025, 2, 1, 12), "en") == "Sat 1 Feb 2025, 10:30 am–12:00 pm"


def test_first_year_of_an_era_is_gannen_and_heisei_before_it():
    assert format_day(date(2019, 5, 1), "ja") == "令和元年(2019年)5月1日(水)"
    assert format_day(date(2019, 4, 30), "ja") == "平成31年(2019年)4月30日(火)"


def test_utc_values_are_shown_in_tokyo():
    utc = datetime(2025, 1, 31, 15, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 1 Feb in Tokyo
    assert format_when(utc, None, "ja") == "令和7年(2025年)2月1日(土) 00:30"


def test_month_bounds_are_tokyo_midnights():
    start, end = month_bounds(2025, 12)
    assert start == jst(2025, 12, 1) and end == jst(2026, 1, 1)


def test_kanji_term_numbers():
    assert [kanji_number(n) for n in (1, 8, 9, 10, 11, 20, 23)] == ["一", "八", "九", "十", "十一", "二十", "二十三"]


def test_the_written_out_words_agree_with_babel_every_day_and_hour():
    """Weekdays, months, the 12-hour clock and numbers are written out in timefmt/templating (Babel's locale
    data would cost each worker ~6 MB); Babel, a dependency of Flask-Babel, still says what they must be."""
    from datetime import timedelta

    from babel.dates import format_date, format_time
    from babel.numbers import format_decimal as babel_decimal

    from portal.core.templating import format_decimal
    from portal.core.timefmt import _clock, _format_month, format_day

    day = date(2024, 1, 1)
    while day < date(2028, 1, 1):
        assert format_day(day, "en") == format_date(day, "EEE d MMM y", locale="en")
        assert format_day(day, "ja").endswith(f"({format_date(day, 'E', locale='ja')})")
        day += timedelta(days=1)
    for month in range(1, 13):
        assert _format_month(2026, month, "en") == format_date(date(2026, month, 1), "MMMM y", locale="en")
    for hour in range(24):
        moment = jst(2026, 5, 1, hour, 5)
        babel = f"{format_time(moment, 'h:mm', locale='en')} {format_time(moment, 'a', locale='en').lower()}"
        assert _clock(moment, "en") == babel
    for number in (0, 7, 999, 1000, 12345, 1234567, 0.5, 1.0, 2.25, 15.7, 1023.9, 1234.5):
        assert format_decimal(number) == babel_decimal(number, locale="ja") == babel_decimal(number, locale="en")
