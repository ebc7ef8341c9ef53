"""registrations, lottery commitment (issue 10.3-6, 11)

Application numbers and the drawn result of observer lotteries; a committed seed for every lottery not yet
drawn, and application numbers for the applications already received.

Revision ID: a10b00000002
Revises: a10a00000001
Create Date: 2026-11-29 10:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a10b00000002'
down_revision = 'a10a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('registrations', sa.Column('application_number', sa.Integer(), nullable=True))
    op.add_column('registrations', sa.Column('lottery_won', sa.Boolean(), nullable=True))
    op.create_index('uq_registrations_meeting_application_number', 'registrations',
                    ['meeting_id', 'application_number'], unique=True)

    conn = op.get_bind()
    lotteries = conn.execute(sa.text(
        "SELECT id, lottery_seed, lottery_drawn_at FROM meetings WHERE observer_lottery = :yes"), {"yes": True}).all()
    for meeting_id, seed, drawn_at in lotteries:
        if seed is None and drawn_at is None:  # commit a seed now, before any further application
            conn.execute(sa.text("UPDATE meetings SET lottery_seed = :seed WHERE id = :id"),
                         {"seed": secrets.token_hex(16), "id": meeting_id})
        applications = conn.execute(sa.text(
            "SELECT id FROM registrations WHERE meeting_id = :id ORDER BY created_at, id"), {"id": meeting_id}).scalars()
        for number, registration_id in enumerate(list(applications), start=1):
            conn.execute(sa.text("UPDATE registrations SET application_number = :n WHERE id = :id"),
                         {"n": number, "id": registration_id})
    # Draws made before this release: a seat drawn is what the registration held right after the draw.
    conn.execute(sa.text("UPDATE registrations SET lottery_won = CASE WHEN status IN ('confirmed', 'attended') "
                         "THEN :yes ELSE :no END WHERE lottery_rank IS NOT NULL"), {"yes": True, "no": False})


def downgrade():
    op.drop_index('uq_registrations_meeting_application_number', table_name='registrations')
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy of the table would lose the partial index.
    op.drop_column('registrations', 'lottery_won')
    op.drop_column('registrations', 'application_number')
