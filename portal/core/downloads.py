"""Files the portal writes for download: one Excel-ready CSV writer and one download response."""

import csv
import io
from collections.abc import Iterable

from flask import Response


def _cell(value) -> str:
    """A CSV cell Excel will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def excel_csv(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with BOM (Excel in Japan reads UTF-8 only with it), CRLF lines, formula-injection safe cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def download(body: bytes, filename: str, mimetype: str = "text/csv") -> Response:
    """A response the browser saves as `filename` (ASCII names only: they are made by the portal)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
