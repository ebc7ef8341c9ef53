"""Migrations: the previous release's database upgrades to the current one and keeps its data."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db

FOUNDATION = "1ef12bab7421"  # the foundation release


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
        assert conn.execute(sa.text("SELECT title_ja, seats_taken FROM meetings")).one() == ("協創フォーラム", 7)
        assert conn.execute(sa.text("SELECT slug FROM areas")).scalar() == "suwa"
        assert {"users", "outbox_emails", "audit_entries"} <= set(sa.inspect(conn).get_table_names())


def test_the_models_and_the_migrations_describe_the_same_schema(app):
    """A model change without its migration fails here (what `flask db check` reports)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert differences == []
