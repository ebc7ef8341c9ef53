"""Dates and times as Japanese and English residents read them.

Times are stored in UTC and shown in Asia/Tokyo. The era year (令和7年) is computed
here from the era start dates (Babel's format_date has no Japanese calendar). The
few words the dates need (weekdays, months, am/pm) are written out below for the two
languages the portal speaks: Babel's locale data would cost every worker about 6 MB
to say them. tests/test_timefmt.py checks that they agree with Babel's, day by day.
"""

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from portal.core.i18n import current_lang

TOKYO = ZoneInfo("Asia/Tokyo")
JA_WEEKDAYS = "月火水木金土日"
EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")

#: (first day, Japanese name, romanised name), newest first.
ERAS = (
    (date(2019, 5, 1), "令和", "Reiwa"),
    (date(1989, 1, 8), "平成", "Heisei"),
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_tokyo(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TOKYO)


def tokyo_today() -> date:
    return now_utc().astimezone(TOKYO).date()


def tokyo_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Tokyo, as an aware UTC datetime for storage."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a month in Tokyo."""
    start = datetime(year, month, 1, tzinfo=TOKYO)
    nxt = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=TOKYO)
    return start.astimezone(UTC), nxt.astimezone(UTC)


def era_year(day: date) -> tuple[str, str]:
    for start, name, _ in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return name, "元" if year == 1 else str(year)
    return "", str(day.year)


def format_day(day: date, lang: str | None = None) -> str:
    """令和7年(2025年)2月1日(土) / Sat 1 Feb 2025"""
    if isinstance(day, datetime):  # its own calendar day, as Babel takes it; a datetime would be a poor cache key
        day = day.date()
    return _format_day(day, lang or current_lang())


# A list page shows the same few days and months many times, and Babel takes tens of µs for each.
@lru_cache(maxsize=4096)
def _format_day(day: date, lang: str) -> str:
    if lang == "ja":
        era, year = era_year(day)
        return f"{era}{year}年({day.year}年){day.month}月{day.day}日({JA_WEEKDAYS[day.weekday()]})"
    return f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1][:3]} {day.year}"


def _clock(value: datetime, lang: str, with_period: bool = True) -> str:
    if lang == "ja":
        return value.strftime("%H:%M")
    text = f"{value.hour % 12 or 12}:{value.minute:02d}"
    if with_period:
        text += " am" if value.hour < 12 else " pm"
    return text


def format_time_range(start: datetime, end: datetime | None, lang: str | None = None) -> str:
    """14:00〜16:00 / 2:00–4:00 pm"""
    lang = lang or current_lang()
    start = to_tokyo(start)
    if end is None:
        return _clock(start, lang)
    end = to_tokyo(end)
    if lang == "ja":
        return f"{_clock(start, lang)}〜{_clock(end, lang)}"
    same_period = (start.hour < 12) == (end.hour < 12)
    return f"{_clock(start, lang, not same_period)}–{_clock(end, lang)}"


def format_when(start: datetime, end: datetime | None = None, lang: str | None = None) -> str:
    """令和7年(2025年)2月1日(土) 14:00〜16:00 / Sat 1 Feb 2025, 2:00–4:00 pm"""
    lang = lang or current_lang()
    local = to_tokyo(start)
    if end is not None and to_tokyo(end).date() != local.date():
        return f"{format_datetime(start, lang)} – {format_datetime(end, lang)}"
    sep = " " if lang == "ja" else ", "
    return format_day(local.date(), lang) + sep + format_time_range(start, end, lang)


def format_datetime(value: datetime, lang: str | None = None) -> str:
    lang = lang or current_lang()
    local = to_tokyo(value)
    sep = " " if lang == "ja" else ", "
    return format_day(local.date(), lang) + sep + _clock(local, lang)


def format_month(year: int, month: int, lang: str | None = None) -> str:
    return _format_month(year, month, lang or current_lang())


@lru_cache(maxsize=1024)
def _format_month(year: int, month: int, lang: str) -> str:
    if lang == "ja":
        era, era_y = era_year(date(year, month, 1))
        return f"{era}{era_y}年({year}年){month}月"
    return f"{EN_MONTHS[month - 1]} {year}"


def days_left(deadline: datetime) -> int:
    """Whole days from today (Tokyo) to the deadline's day, the deadline day counting as 0."""
    return (to_tokyo(deadline).date() - tokyo_today()).days


def next_months(count: int, start: date | None = None) -> list[tuple[int, int]]:
    day = (start or tokyo_today()).replace(day=1)
    result = []
    for _ in range(count):
        result.append((day.year, day.month))
        day = (day + timedelta(days=32)).replace(day=1)
    return result
