"""Page numbers from the query string, bounded so a hostile value is a 404, not an SQL overflow."""

import sqlalchemy as sa
from flask import abort, request
from flask_sqlalchemy.pagination import SelectPagination

MAX_PAGE = 10_000


def page_arg(name: str = "page") -> int:
    raw = request.args.get(name, "1")
    if not raw.isdigit() or len(raw) > 6:
        abort(404)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


class KeysFirstPagination(SelectPagination):
    """Finds the page's primary keys first, on the query's filters and order alone, then loads only those rows.

    A plain LIMIT … OFFSET reads every skipped row in full, with its joins (page 900 of past meetings: 9,000
    rows), and sorts whole rows when the order is not an index's (opinions ordered by their comment's date):
    the keys alone are found in an index, or sorted narrow, and only the page's rows are read and joined.
    For a select of one entity with a single-column primary key.
    """

    def _query_items(self) -> list:
        select = self._query_args["select"]
        key = sa.inspect(select.column_descriptions[0]["entity"]).primary_key[0]
        keys = select.with_only_columns(key).limit(self.per_page).offset(self._query_offset).subquery()
        rows = select.join(keys, key == keys.c[0])
        return list(self._query_args["session"].execute(rows).unique().scalars())


def paginate(query, page: int, per_page: int, keys_first: bool = False):
    """db.paginate that answers 404 past the last page (page 1 of nothing is an empty list); keys_first: see
    KeysFirstPagination (long public lists)."""
    from portal.extensions import db

    kind = KeysFirstPagination if keys_first else SelectPagination  # SelectPagination: what db.paginate makes
    pagination = kind(select=query, session=db.session(), page=page, per_page=per_page, max_per_page=None,
                      error_out=False, count=True)
    if page > 1 and page > pagination.pages:
        abort(404)
    return pagination
