"""A page costs a fixed number of SQL queries whatever the data size (5 vs 200 items)."""

import pytest

from tests.conftest import count_queries


def seed(factory, n: int):
    area = factory.area()
    venue = factory.venue()
    acc = [factory.accommodation(f"acc-{i}") for i in range(3)]
    committee = factory.committee()
    term = factory.term(committee)
    for _ in range(n):
        factory.member(term)
    meetings = [
        factory.meeting(days=1 + i / 10, area=area, venue=venue, committee=committee, number=i + 1,
                        accommodations=acc)
        for i in range(n)
    ]
    target = meetings[0]
    for _ in range(n):
        factory.document(meeting_id=target.id)
    return target, committee


def queries_for(client, url: str) -> int:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("page", ["meetings", "meeting", "committee", "home"])
def test_query_count_does_not_grow_with_data(app, factory, template_dbs, tmp_path, page):
    counts = []
    for n in (5, 200):
        # A fresh database for each size: copy the empty template again.
        from portal.extensions import db

        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        meeting, committee = seed(factory, n)
        client = app.test_client()
        url = {
            "meetings": "/meetings",
            "meeting": f"/meetings/{meeting.id}",
            "committee": f"/committees/{committee.slug}",
            "home": "/",
        }[page]
        counts.append(queries_for(client, url))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 5 items, {counts[1]} with 200"
    assert counts[1] <= 12
