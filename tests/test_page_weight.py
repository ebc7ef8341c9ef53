"""htmx is loaded only by pages that use it: a page whose HTML has hx- attributes (a list filtered or paged with
htmx, every staff page) loads the script and its config; any other page is lighter without them. First loads
are measured as `make bench` does (issue 13): the HTML and every /static file it names, each gzip -9."""

import gzip
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind, MeetingStatus
from tests.pages import public_urls
from tests.security.test_xss import crawl

SCRIPT = re.compile(r'<script src="/static/vendor/htmx/htmx\.min\.js\?v=[0-9a-f]{12}" defer></script>')
CONFIG = '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false, ' \
         '"allowScriptTags": false, "historyCacheSize": 0}\'>'


def has_hx_attributes(body: str) -> bool:
    return " hx-" in body


def loads_htmx(url: str, body: str) -> bool:
    script = SCRIPT.search(body) is not None
    assert script == (CONFIG in body), f"{url}: the htmx config goes with the script"
    return script


def first_load(client, path: str) -> tuple[int, int]:
    """(bytes, requests) of a first visit: the page and every /static file it names, gzip -9 as nginx may send."""
    html = client.get(path).get_data()
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    sizes = [len(gzip.compress(html, 9))]
    for asset in assets:
        response = client.get(asset.decode().replace("&amp;", "&"))
        assert response.status_code == 200, asset
        sizes.append(len(gzip.compress(response.get_data(), 9)))
    return sum(sizes), len(sizes)


def test_public_pages_load_htmx_exactly_when_they_use_it(demo_client):
    urls = [prefix + url for url in public_urls() for prefix in ("", "/en")]
    lists = []
    for url in urls:
        response = demo_client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert loads_htmx(url, body) == has_hx_attributes(body), url
        if has_hx_attributes(body):
            lists.append(url.removeprefix("/en"))
    assert {"/meetings", "/meetings?when=past"} <= set(lists)
    assert any(url.endswith("/results") for url in lists)
    assert not {"/", "/areas", "/committees", "/consultations"} & set(lists)


def test_a_meeting_page_and_the_home_page_are_light(demo_client):
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.kind == MeetingKind.FORUM,
                                                         Meeting.status == MeetingStatus.PUBLISHED))
    for path in ("/", f"/meetings/{meeting.id}", f"/en/meetings/{meeting.id}"):
        size, requests = first_load(demo_client, path)
        assert size <= 15 * 1024 and requests <= 4, (path, size, requests)


def test_pages_with_lists_stay_under_40_kb(demo_client):
    for path in ("/meetings", "/en/meetings?when=past"):
        size, requests = first_load(demo_client, path)
        assert size <= 40 * 1024, (path, size, requests)
        assert loads_htmx(path, demo_client.get(path).get_data(as_text=True))


def test_an_htmx_fragment_is_the_results_only(demo_client):
    body = demo_client.get("/meetings?when=past", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<head>" not in body and not SCRIPT.search(body)


@pytest.mark.slow
def test_every_page_with_hx_attributes_loads_htmx(demo_app, demo_client, demo_auth):
    public = crawl(demo_client, ["/", "/en/", "/meetings?when=past", "/en/consultations"], "/")
    assert len(public) > 60
    for url, body in public.items():
        if "<html" in body:
            assert loads_htmx(url, body) == has_hx_attributes(body), url
    demo_auth.as_role(demo_client, "admin")
    staff = crawl(demo_client, ["/admin/", "/en/admin/"], "/admin")
    assert len(staff) > 30
    assert sum(has_hx_attributes(body) for body in staff.values()) > 5
    for url, body in staff.items():
        if "<html" in body:
            assert loads_htmx(url, body), url  # every staff page (admin/base.html)
