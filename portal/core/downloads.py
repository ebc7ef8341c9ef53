"""Files the portal writes for download: one Excel-ready CSV writer and one download response."""

import csv
import io
import unicodedata
from collections.abc import Iterable

from flask import Response

#: what makes Excel (or LibreOffice) read a cell as a formula, after NFKC folding (full-width ＝＋－＠ too)
FORMULA_STARTS = ("=", "+", "-", "@")
#: white space Excel skips before a formula (ASCII and the ideographic space)
LEADING_SPACE = " \u3000"


def _cell(value) -> str:
    """A CSV cell Excel will not run as a formula: one that starts with = + - @ (full-width too, or after spaces),
    a tab or a carriage return gets a leading apostrophe, which Excel shows as text."""
    text = "" if value is None else str(value)
    first = text.lstrip(LEADING_SPACE)[:1]
    risky = text[:1] in ("\t", "\r") or first in ("\t", "\r") or (
        first != "" and unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS)
    return "'" + text if risky else text


def excel_csv(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with BOM (Excel in Japan reads UTF-8 only with it), CRLF lines, formula-injection safe cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def protect(response: Response) -> Response:
    """Headers of every file the portal sends: saved, not shown (attachment, set by the caller), its type never
    guessed (nosniff), and should a browser show it anyway, sandboxed: no script, no form, no same origin."""
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def download(body: bytes, filename: str, mimetype: str = "text/csv") -> Response:
    """A response the browser saves as `filename` (ASCII names only: they are made by the portal)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return protect(response)
