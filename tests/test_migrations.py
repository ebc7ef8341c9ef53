"""Migrations: the previous release's database upgrades to the current one and keeps its data."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db

FOUNDATION = "1ef12bab7421"  # the foundation release
PREVIOUS = "974945c2b963"  # the release before issue 10


def insert(conn, table: str, **values) -> int:
    """A row as an older release wrote it (plain SQL against that release's schema); its id."""
    columns = ", ".join(values)
    conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values)
    return conn.execute(sa.text(f"SELECT MAX(id) FROM {table}")).scalar()


def old_meeting(conn, title: str, seats_taken: int, capacity: int | None, **values) -> int:
    stamp = "2025-01-01 00:00:00"
    values = {"kind": "forum", "status": "published", "format": "in_person", "starts_at": "2099-02-01 05:00:00",
              "reserved_seats": 0, "created_at": stamp, "updated_at": stamp, **values}
    return insert(conn, "meetings", title_ja=title, seats_taken=seats_taken, capacity=capacity, **values)


def old_registration(conn, meeting_id: int, status: str, seats: int, n: int, **values) -> int:
    values = {"channel": "web", "companions": seats - 1 if seats else 0, "locale": "ja",
              "created_at": f"2025-01-01 00:00:{n:02d}", "email": f"person{n}@example.jp", **values}
    return insert(conn, "registrations", meeting_id=meeting_id, status=status, seats=seats, **values)


@pytest.mark.slow
def test_upgrade_from_the_foundation_release_keeps_its_data(app):
    downgrade(revision=FOUNDATION)
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO areas (slug, name_ja, district_type, is_model_area, position, created_at) "
                             "VALUES ('suwa', '諏訪中学区', 'new_town', TRUE, 0, '2025-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO meetings (kind, status, title_ja, format, starts_at, seats_taken, "
                             "reserved_seats, area_id, created_at, updated_at) VALUES ('forum', 'published', "
                             "'協創フォーラム', 'in_person', '2025-02-01 05:00:00', 7, 0, 1, '2025-01-01 00:00:00', "
                             "'2025-01-01 00:00:00')"))
        assert "users" not in sa.inspect(conn).get_table_names()
    upgrade()
    with db.engine.connect() as conn:
        # The seat counter is what registration rows hold (issue 10.12): that release had no registrations.
        assert conn.execute(sa.text("SELECT title_ja, seats_taken FROM meetings")).one() == ("協創フォーラム", 0)
        assert conn.execute(sa.text("SELECT slug FROM areas")).scalar() == "suwa"
        assert {"users", "outbox_emails", "audit_entries"} <= set(sa.inspect(conn).get_table_names())


def test_the_models_and_the_migrations_describe_the_same_schema(app):
    """A model change without its migration fails here (what `flask db check` reports)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert differences == []


@pytest.mark.slow
def test_the_upgrade_counts_the_seats_the_registration_rows_hold(app):
    """An older demo set seat counters directly (12 of 35 on the page, 2 people on the roster): after the
    upgrade the counter is what the rows hold, within capacity, and the public page says so."""
    downgrade(revision=PREVIOUS)
    with db.engine.begin() as conn:
        roster = old_meeting(conn, "東寺方エリアミーティング", seats_taken=12, capacity=35)
        for n, (status, seats) in enumerate([("confirmed", 1), ("pending", 2), ("cancelled", 0), ("offered", 1)]):
            old_registration(conn, roster, status, seats, n)
        old_registration(conn, roster, "attended", 1, 9, channel="walk_in", email=None)  # a walk-in held a seat
        empty = old_meeting(conn, "条例20周年 協創フォーラム", seats_taken=23, capacity=80, reserved_seats=5)
        crowded = old_meeting(conn, "満員の会議", seats_taken=1, capacity=3, reserved_seats=2)
        for n in range(2):
            old_registration(conn, crowded, "confirmed", 1, 20 + n)
        old_registration(conn, crowded, "waitlisted", 0, 22)
    upgrade()
    with db.engine.connect() as conn:
        taken = dict(conn.execute(sa.text("SELECT id, seats_taken FROM meetings")).all())
        walk_in = conn.execute(sa.text("SELECT seats FROM registrations WHERE channel = 'walk_in'")).scalar()
    assert taken == {roster: 4, empty: 0, crowded: 1}  # 1 + 2 + 1 held; the crowded one stays within capacity
    assert walk_in == 0  # attendance is not a seat reservation
    client = app.test_client()
    assert "残り31席(定員35人)" in client.get(f"/meetings/{roster}").get_data(as_text=True)
    assert "残り75席(定員80人)" in client.get(f"/meetings/{empty}").get_data(as_text=True)
