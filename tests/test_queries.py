"""Every public page costs a few SQL queries, and the same number whatever the data size (12 vs 30 items)."""

from datetime import timedelta

import pytest

from tests.helpers import count_queries

#: the most statements any public page may send (issue 13), a signed-in resident's pages included
MOST = 8


def seed(factory, n: int) -> dict:
    """n of everything a public page lists: meetings (upcoming, past, a committee's), their documents and agenda,
    committee members, consultations, a published result's comments and opinions."""
    from portal.comments.models import Comment, CommentChannel, Opinion
    from portal.consultations.models import ConsultationPlace
    from portal.core.timefmt import now_utc
    from portal.extensions import db
    from portal.meetings.models import AgendaItem

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
        for i in range(n):
            factory.meeting(days=-1 - i, area=area, venue=venue, accommodations=acc)
        target = meetings[0]
        for i in range(n):
            factory.document(meeting_id=target.id)
            db.session.add(AgendaItem(meeting=target, position=i, title_ja=f"議題{i}"))
        factory.document(committee_id=committee.id)
        for _ in range(n):
            factory.consultation()
        consultation = factory.consultation(opens_in=-60, days=30, results_published_at=now_utc() - timedelta(days=1))
        db.session.add(ConsultationPlace(consultation=consultation, venue_id=venue.id))
        factory.document(consultation_id=consultation.id)
        channels = list(CommentChannel)
        for i in range(n):
            comment = Comment(consultation_id=consultation.id, receipt_number=f"Q-{n}-{i:04d}", text=f"意見{i}",
                              status="accepted", public_text=f"意見{i}", channel=channels[i % len(channels)],
                              email=f"person{i % 7}@example.jp")
            db.session.add(comment)
            db.session.flush()
            db.session.add(Opinion(comment_id=comment.id, consultation_id=consultation.id, summary=f"意見{i}"))
    return {"area": area, "meeting": target, "committee": committee, "term": term, "consultation": consultation,
            "meetings": meetings, "accommodations": acc}


def resident(auth, client, data: dict, n: int) -> str:
    """A signed-in resident with n registrations (one asking for support: more kinds when n is larger) and a few
    comments; the token of the registration with the requests."""
    from portal.comments.models import Comment
    from portal.extensions import db
    from portal.registrations import services as registrations
    from portal.registrations.models import AccommodationRequest, Registration

    user = auth.create(email=f"resident{n}@example.jp")
    mine = [Registration(meeting_id=m.id, user_id=user.id, status="confirmed", seats=1, name="住民",
                         email=user.email) for m in data["meetings"][:n]]
    db.session.add_all(mine)
    for i in range(min(n // 10, 3)):
        mine[0].requests.append(AccommodationRequest(accommodation_id=data["accommodations"][i].id))
    for i in range(n // 4):
        db.session.add(Comment(consultation_id=data["consultation"].id, receipt_number=f"R-{n}-{i:04d}",
                               text="意見", user_id=user.id))
    db.session.commit()
    auth.login(client, user)
    return registrations.token_for(mine[0])


def queries_for(client, url: str, headers=None) -> int:
    with count_queries() as statements:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, url
    return len(statements)


def urls(data: dict, token: str) -> dict:
    area, committee, consultation = data["area"].slug, data["committee"].slug, data["consultation"].id
    htmx = {"HX-Request": "true"}
    return {
        "home": ("/", None), "meetings": ("/meetings", None), "meetings en": ("/en/meetings", None),
        "meetings page 2": ("/meetings?page=2", None),
        "meetings filtered": (f"/meetings?kind=area_meeting&area={area}&when=past", None),
        "meetings htmx": ("/meetings?when=past", htmx), "meeting": (f"/meetings/{data['meeting'].id}", None),
        "areas": ("/areas", None), "area": (f"/areas/{area}", None), "committees": ("/committees", None),
        "committee": (f"/committees/{committee}", None),
        "term": (f"/committees/{committee}/terms/{data['term'].number}", None),
        "consultations": ("/consultations", None), "consultation": (f"/consultations/{consultation}", None),
        "results": (f"/consultations/{consultation}/results", None),
        "results htmx": (f"/consultations/{consultation}/results?page=1", htmx),
        # signed in (the same client, after the anonymous pages)
        "my page": ("/account/me", None), "registration": (f"/registrations/{token}", None),
        "register": (f"/meetings/{data['meetings'][1].id}/register", None),
    }


@pytest.mark.slow
def test_query_count_is_small_and_does_not_grow_with_data(app, factory, auth):
    """Each page is counted on the same two databases (seeded once each): at most MOST statements, the same
    number for 12 and 30 of everything. The first request of each page is counted: nothing is cached yet."""
    from portal.extensions import db

    counts = {}
    for n in (12, 30):
        for table in reversed(db.metadata.sorted_tables):  # start from an empty database for each size
            db.session.execute(table.delete())
        db.session.commit()
        data = seed(factory, n)
        anonymous, signed_in = app.test_client(), app.test_client()
        token = resident(auth, signed_in, data, n)
        for page, (url, headers) in urls(data, token).items():
            client = signed_in if page in ("my page", "registration", "register") else anonymous
            counts.setdefault(page, []).append(queries_for(client, url, headers))
    problems = [f"{page}: {small} queries with 12 items, {large} with 30" for page, (small, large) in counts.items()
                if small != large or large > MOST]
    assert not problems, "\n".join(problems)
