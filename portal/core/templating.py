"""Jinja filters and globals shared by every template."""

import re

from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.core import assets, timefmt
from portal.core.i18n import current_lang


def format_decimal(number: int | float) -> str:
    """1,234 / 1.5: the same in Japanese and English (Babel's pattern #,##0.###, without its locale data, which
    costs every worker about 6 MB; tests/test_timefmt.py compares the two)."""
    if isinstance(number, float):
        return f"{number:,.3f}".rstrip("0").rstrip(".")
    return f"{number:,}"


def filesize(num: int | None) -> str:
    if not num:
        return ""
    if num < 1024 * 1024:
        return f"{format_decimal(max(1, round(num / 1024)))} KB"
    return f"{format_decimal(round(num / 1024 / 1024, 1))} MB"


def linkify(text: str) -> Markup:
    """Escaped text with its web addresses as links and line breaks kept (for HTML emails)."""
    escaped = str(escape(text))
    linked = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', escaped)
    # bandit B704 waived: built from escaped text; only http(s) links added
    return Markup(linked.replace("\n", "<br>\n"))  # nosec B704


def field_attrs(field, hint=None) -> dict:
    """aria-describedby ties hint and error to the control; aria-invalid marks a wrong value."""
    ids = []
    if hint:
        ids.append(f"{field.id}-hint")
    if field.errors:
        ids.append(f"{field.id}-error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


#: flash categories a view may give: "error" (refused), "warning" (needs attention), "success" (the default)
FLASH_CATEGORIES = ("error", "warning", "success")


def flash_groups(messages: list[tuple[str, str]]) -> list[tuple[str, str, list[str]]]:
    """Flashed messages grouped by category, errors first, each with a word label so colour is never the only sign."""
    labels = {"error": _("Error: "), "warning": _("Please note: "), "success": _("Done: ")}
    groups = {category: [] for category in FLASH_CATEGORIES}
    for category, message in messages:
        groups[category if category in groups else "success"].append(message)
    return [(category, labels[category], group) for category, group in groups.items() if group]


def init_app(app: Flask) -> None:
    assets.init_app(app)
    app.jinja_env.filters.update(
        when=timefmt.format_when,
        day=lambda value: timefmt.format_day(timefmt.to_tokyo(value).date() if hasattr(value, "hour") else value),
        datetime=timefmt.format_datetime,
        timerange=timefmt.format_time_range,
        filesize=filesize,
        linkify=linkify,
        number=format_decimal,
    )
    from portal.core.access import may_see_registrations

    app.jinja_env.globals.update(may_see_registrations=may_see_registrations, flash_groups=flash_groups, field_attrs=field_attrs, days_left=timefmt.days_left, format_month=timefmt.format_month)
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def page_language():
        lang = current_lang()
        return {"lang": lang, "other_lang": "en" if lang == "ja" else "ja"}
