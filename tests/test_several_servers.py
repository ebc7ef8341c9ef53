"""Several app servers, one database: two gunicorn instances on different loopback ports share one
PostgreSQL and one Redis, as two hosts behind a city's proxy do.

Over 1,000 people register at once for 50 seats, half through each instance: exactly 50 seats are taken
(and confirmed through the emailed links), nobody meets a server error, rate limits count across both
instances, and logging out on one instance ends the session on the other.
"""

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.registrations.models import Registration
from tests.helpers import PASSWORD, PG_URL
from tests.servers import Browser, gunicorn, redis_server, redis_server_path

PEOPLE, SEATS = 1000, 50

needs = []
if not PG_URL:
    needs.append("PostgreSQL (TEST_DATABASE_URL)")
if not redis_server_path():
    needs.append("redis-server")
if needs and os.environ.get("CI") and PG_URL:
    pytest.fail(f"CI must provide {', '.join(needs)} for the several-servers test", pytrace=False)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(needs), reason=f"needs {', '.join(needs)}")]

@pytest.fixture
def servers(app, factory, auth, tmp_path):
    """Two instances (2 workers each) on the test's PostgreSQL database and a private Redis."""
    meeting = factory.meeting(capacity=SEATS, title_ja="地域フォーラム(二台構成の確認)")
    auth.create("hanako@example.jp", name="山田花子")
    db.session.commit()
    meeting_id = meeting.id
    db.engine.dispose()
    log = tmp_path / "servers.log"
    with redis_server() as redis_url:
        env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "RATELIMIT_STORAGE_URI": redis_url,
               "SECRET_KEY": "two-instances-" + "s" * 40, "SESSION_COOKIE_SECURE": "0",
               "TRUSTED_PROXIES": "127.0.0.1", "MAIL_FOLDER": str(tmp_path / "mail"),
               "UPLOAD_FOLDER": str(tmp_path / "uploads"), "BASE_URL": ""}
        with gunicorn(env, log=log) as (a, _), gunicorn(env, log=log) as (b, _):
            yield {"a": a, "b": b, "meeting": meeting_id, "log": log}


def test_a_thousand_people_for_fifty_seats_across_two_instances(app, servers):
    bases = [servers["a"], servers["b"]]
    people = [Browser(f"10.{n // 250}.{n % 250}.1") for n in range(PEOPLE)]
    forms = [f"{bases[n % 2]}/meetings/{servers['meeting']}/register" for n in range(PEOPLE)]
    with ThreadPoolExecutor(32) as pool:  # everyone opens the form first
        tokens = list(pool.map(lambda n: people[n].token(forms[n]), range(PEOPLE)))

    results = [None] * PEOPLE
    start = threading.Barrier(PEOPLE)

    def register(n: int) -> None:
        data = {"csrf_token": tokens[n], "step": "send", "name": f"参加 太郎{n}", "furigana": "サンカ タロウ",
                "email": f"person{n}@example.jp", "companions": "0"}
        start.wait()
        results[n] = people[n].post(forms[n], data)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)

    statuses = [status for status, _, _ in results]
    assert all(status == 200 for status in statuses), {s: statuses.count(s) for s in set(statuses)}
    assert all("/registrations/" in url for _, url, _ in results)  # each landed on their registration page

    db.session.expire_all()
    rows = db.session.scalars(sa.select(Registration).where(Registration.meeting_id == servers["meeting"])).all()
    holding = [r for r in rows if r.status == "pending"]
    assert len(rows) == PEOPLE
    assert len(holding) == SEATS
    assert sum(r.status == "waitlisted" for r in rows) == PEOPLE - SEATS

    # The 50 with a seat confirm through the emailed link, on whichever instance.
    from portal.mail.models import OutboxEmail

    emails = {m.to_address: m.text_body for m in db.session.scalars(sa.select(OutboxEmail))}
    for i, registration in enumerate(holding):
        link = re.search(r"(/registrations/[^\s]+/confirm/[^\s]+)", emails[registration.email]).group(1)
        person = Browser(f"10.9.{i}.1")
        url = bases[i % 2] + link
        status, landed, page = person.post(url, {"csrf_token": person.token(url)})
        assert status == 200 and "/confirm/" not in landed
    db.session.expire_all()
    statuses = [r.status for r in db.session.scalars(sa.select(Registration))]
    assert statuses.count("confirmed") == SEATS
    assert "Traceback" not in servers["log"].read_text(errors="replace")


def wrong_logins(servers, tries: list[tuple[str, str]]) -> list[int]:
    """One wrong password per (client address, email), alternately on instance A and B."""
    bases = [servers["a"], servers["b"]]
    answers = []
    for n, (client_address, email) in enumerate(tries):
        someone, base = Browser(client_address), bases[n % 2]
        token = someone.token(f"{base}/account/login")
        status, _, _ = someone.post(f"{base}/account/login", {"csrf_token": token, "email": email, "password": "wrong"})
        answers.append(status)
    return answers


def test_rate_limits_are_counted_across_both_instances(servers):
    # logins: 10 per minute for one client address, whichever accounts it tries (one each: no account pauses)
    answers = wrong_logins(servers, [("198.51.100.23", f"person{n}@example.jp") for n in range(11)])
    assert answers[:10] == [200] * 10  # the form again, with its message
    assert answers[10] == 429  # the 11th, on instance B after five tries on each


def test_wrong_passwords_for_one_account_are_counted_across_both_instances(servers):
    # one account, ten client addresses: the account's own count (in the database) pauses it at the 10th failure
    answers = wrong_logins(servers, [(f"198.51.100.{60 + n}", "hanako@example.jp") for n in range(10)])
    assert answers[:9] == [200] * 9 and answers[9] == 429


def test_logging_out_on_one_instance_ends_the_session_on_the_other(servers):
    a, b = servers["a"], servers["b"]
    hanako = Browser("198.51.100.40")
    status, landed, _ = hanako.post(f"{a}/account/login", {"csrf_token": hanako.token(f"{a}/account/login"),
                                                            "email": "hanako@example.jp", "password": PASSWORD})
    assert status == 200 and "/account/login" not in landed
    status, landed, page = hanako.get(f"{b}/account/me")
    assert status == 200 and "山田花子" in page  # the same session on the other instance

    copied = Browser("198.51.100.41")  # the same cookie, kept elsewhere (a shared computer, a stolen cookie)
    for cookie in hanako.jar:
        copied.jar.set_cookie(cookie)
    status, _, _ = hanako.post(f"{a}/account/logout", {"csrf_token": hanako.token(f"{a}/account/me")})
    assert status == 200

    status, landed, page = copied.get(f"{b}/account/me")
    assert "/account/login" in landed and "山田花子" not in page
