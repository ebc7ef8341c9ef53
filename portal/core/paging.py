"""Page numbers from the query string, bounded so a hostile value is a 404, not an SQL overflow."""

from flask import abort, request

MAX_PAGE = 10_000


def page_arg(name: str = "page") -> int:
    raw = request.args.get(name, "1")
    if not raw.isdigit() or len(raw) > 6:
        abort(404)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def paginate(query, page: int, per_page: int):
    """db.paginate that answers 404 past the last page (page 1 of nothing is an empty list)."""
    from portal.extensions import db

    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    if page > 1 and page > pagination.pages:
        abort(404)
    return pagination
