"""A page costs a fixed number of SQL queries whatever the data size (5 vs 200 items)."""

import pytest

from tests.helpers import count_queries


def seed(factory, n: int):
    with factory.batch():  # one commit for the lot
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


PAGES = ("meetings", "meeting", "committee", "home")


@pytest.mark.slow
def test_query_count_does_not_grow_with_data(app, factory):
    """Each page is counted on the same two databases (seeded once each: seeding 200 items is the slow part)."""
    from portal.extensions import db

    counts = {page: [] for page in PAGES}
    for n in (5, 200):
        for table in reversed(db.metadata.sorted_tables):  # start from an empty database for each size
            db.session.execute(table.delete())
        db.session.commit()
        meeting, committee = seed(factory, n)
        client = app.test_client()
        urls = {"meetings": "/meetings", "meeting": f"/meetings/{meeting.id}",
                "committee": f"/committees/{committee.slug}", "home": "/"}
        for page in PAGES:
            counts[page].append(queries_for(client, urls[page]))
    problems = [f"{page}: {small} queries with 5 items, {large} with 200" for page, (small, large) in counts.items()
                if small != large or large > 12]
    assert not problems, "\n".join(problems)
