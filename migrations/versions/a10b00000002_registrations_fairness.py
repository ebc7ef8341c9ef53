"""registrations, lottery commitment (issue 10.3-6, 11, 12)

Application numbers and the drawn result of observer lotteries; a committed seed (and when it was committed)
for every lottery not yet drawn, and application numbers for the applications already received. Seat counters
recomputed from the registration rows (an earlier demo set them directly).

Revision ID: a10b00000002
Revises: a10a00000001
Create Date: 2026-11-29 10:00:00

"""
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a10b00000002'
down_revision = 'a10a00000001'
branch_labels = None
depends_on = None


#: statuses whose registrations hold seats (registrations.models.HOLDS_SEAT, frozen here)
HOLDS_SEAT = "('pending', 'confirmed', 'offered', 'attended')"


def upgrade():
    op.add_column('meetings', sa.Column('lottery_committed_at', sa.DateTime(), nullable=True))
    op.add_column('registrations', sa.Column('application_number', sa.Integer(), nullable=True))
    op.add_column('registrations', sa.Column('lottery_won', sa.Boolean(), nullable=True))
    op.create_index('uq_registrations_meeting_application_number', 'registrations',
                    ['meeting_id', 'application_number'], unique=True)

    conn = op.get_bind()
    _seats_from_rows(conn)
    committed_at = datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC
    lotteries = conn.execute(sa.text(
        "SELECT id, lottery_seed, lottery_drawn_at FROM meetings WHERE observer_lottery = :yes"), {"yes": True}).all()
    for meeting_id, seed, drawn_at in lotteries:
        if drawn_at is None:  # commit a seed now, before any further application, and say since when
            conn.execute(sa.text("UPDATE meetings SET lottery_seed = :seed, lottery_committed_at = :at WHERE id = :id"),
                         {"seed": seed or secrets.token_hex(16), "at": committed_at, "id": meeting_id})
        # draws made before this release keep lottery_committed_at NULL: their seed was not committed beforehand
        applications = conn.execute(sa.text(
            "SELECT id FROM registrations WHERE meeting_id = :id ORDER BY created_at, id"), {"id": meeting_id}).scalars()
        for number, registration_id in enumerate(list(applications), start=1):
            conn.execute(sa.text("UPDATE registrations SET application_number = :n WHERE id = :id"),
                         {"n": number, "id": registration_id})
    # Draws made before this release: a seat drawn is what the registration held right after the draw.
    conn.execute(sa.text("UPDATE registrations SET lottery_won = CASE WHEN status IN ('confirmed', 'attended') "
                         "THEN :yes ELSE :no END WHERE lottery_rank IS NOT NULL"), {"yes": True, "no": False})


def _seats_from_rows(conn):
    """The seat counter is what the registration rows hold. A walk-in now holds no seat (attendance is not a
    reservation); a row that holds no seat counts 0. Clamped to capacity minus the seats held back, so the
    seats_within_capacity check holds even on inconsistent data."""
    conn.execute(sa.text(f"UPDATE registrations SET seats = 0 WHERE seats != 0 AND (status NOT IN {HOLDS_SEAT} "
                         "OR channel = 'walk_in')"))
    held = ("(SELECT COALESCE(SUM(registrations.seats), 0) FROM registrations "
            f"WHERE registrations.meeting_id = meetings.id AND registrations.status IN {HOLDS_SEAT})")
    conn.execute(sa.text(f"UPDATE meetings SET seats_taken = CASE WHEN capacity IS NOT NULL AND {held} > "
                         f"capacity - reserved_seats THEN capacity - reserved_seats ELSE {held} END"))


def downgrade():
    op.drop_index('uq_registrations_meeting_application_number', table_name='registrations')
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy of the table would lose the partial index.
    op.drop_column('registrations', 'lottery_won')
    op.drop_column('registrations', 'application_number')
    op.drop_column('meetings', 'lottery_committed_at')
