"""The public meeting page gets computed values from its view (issue 10.5): the support offered now."""

from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.test_catalogue import kind


def test_a_retired_kind_of_support_is_no_longer_offered_on_the_meeting_page(client, factory):
    meeting = factory.meeting(accommodations=[kind("sign_language"), kind("childcare")])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "手話通訳" in page and "託児" in page

    kind("sign_language").retired_at = now_utc()
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    support = page.split('id="support"', 1)[1].split("</section>", 1)[0]
    assert "託児" in support and "手話通訳" not in page
