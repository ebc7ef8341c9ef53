"""Two staff members save the same name at the same moment: the second sees the form with the message, not a 500.

The race is simulated by letting the name check miss once (the other row committed between the check and the
save): the database's unique constraint refuses the row, and the save turns that into the same message."""

import pytest
import sqlalchemy as sa

from portal.areas.models import Area, Venue
from portal.audit.models import AuditEntry
from portal.committees.models import Committee, CommitteeTerm
from portal.core import reference
from portal.extensions import db
from portal.meetings.models import Accommodation
from tests.helpers import post_form

AREA = {"slug": "suwa", "name_ja": "貝取エリア", "district_type": "new_town"}
VENUE = {"name_ja": "関戸公民館", "step_free": "y"}
COMMITTEE = {"slug": "jichi", "name_ja": "環境審議会", "status": "published"}
KIND = {"code": "sign_language", "name_ja": "パソコン要約筆記", "lead_days": "10"}
TERM = {"number": "9", "starts_on": "2030-04-01", "ends_on": "2032-03-31"}


@pytest.fixture
def rows(factory):
    committee = factory.committee(name_ja="自治推進委員会", slug="jichi")
    return {"area": factory.area(name_ja="諏訪中学区", slug="suwa"), "venue": factory.venue(name_ja="関戸公民館"),
            "other_venue": factory.venue(name_ja="永山公民館"), "committee": committee,
            "term": factory.term(committee, number=9)}


@pytest.fixture
def check_misses_once(monkeypatch):
    """The first name check finds nothing, as if the clashing row were committed just after it."""
    real, calls = reference.taken, []

    def taken(*args, **kwargs):
        calls.append(args)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(reference, "taken", taken)
    return calls


def counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Area, Venue, Committee, CommitteeTerm, Accommodation, AuditEntry)]


@pytest.mark.parametrize("url,data,message", [
    ("/admin/areas/new", AREA, "この短い名前は別のエリアで使われています"),
    ("/admin/areas/venues/new", VENUE, "同じ名称の会場が既にあります"),
    ("/admin/areas/venues/{other_venue}", VENUE, "同じ名称の会場が既にあります"),
    ("/admin/committees/new", COMMITTEE, "この短い名前は別の委員会で使われています"),
    ("/admin/committees/{committee}/terms/new", TERM, "この委員会には同じ期が既にあります"),
    ("/admin/accommodations/new", KIND, "このコードはすでに使われています"),
])
def test_a_name_saved_at_the_same_moment_comes_back_on_the_form(client, auth, rows, check_misses_once, url, data,
                                                                message):
    auth.as_role(client, "editor")
    before = counts()
    url = url.format(**{name: row.id for name, row in rows.items()})
    response = post_form(client, url, {**data, "name_en": "Typed & kept"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body and "error-summary" in body
    assert len(check_misses_once) == 2  # the database refused the row, and the second check named the clash
    assert counts() == before  # nothing saved, nothing audited
    db.session.expire_all()
    assert db.session.get(Venue, rows["other_venue"].id).name_ja == "永山公民館"
