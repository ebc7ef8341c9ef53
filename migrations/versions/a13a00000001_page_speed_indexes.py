"""page speed indexes: each public list and count reads only its own rows on ten years of data (issue 13)

Meetings by area, kind or committee with their status before the date; registrations and comments by address
(My page); a consultation's accepted comments counted by channel and person, and its opinions in their order,
from an index alone (the results page).

Revision ID: a13a00000001
Revises: a13c00000002
Create Date: 2026-12-12 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a13a00000001'
down_revision = 'a13c00000002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_area_id_starts_at')
        batch_op.drop_index('ix_meetings_kind')
        batch_op.drop_index('ix_meetings_committee_id')
        batch_op.create_index('ix_meetings_area_id_status_starts_at', ['area_id', 'status', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_kind_status_starts_at', ['kind', 'status', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_committee_id_status_starts_at', ['committee_id', 'status', 'starts_at'],
                              unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_email', ['email'], unique=False)

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_email', ['email'], unique=False)
        batch_op.create_index('ix_comments_consultation_id_status_people',
                              ['consultation_id', 'status', 'channel', 'person_key', 'email', 'phone', 'name',
                               'address'], unique=False)

    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.create_index('ix_opinions_consultation_id_group_id',
                              ['consultation_id', 'group_id', 'comment_id', 'position'], unique=False)


def downgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_index('ix_opinions_consultation_id_group_id')

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_consultation_id_status_people')
        batch_op.drop_index('ix_comments_email')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_email')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_committee_id_status_starts_at')
        batch_op.drop_index('ix_meetings_kind_status_starts_at')
        batch_op.drop_index('ix_meetings_area_id_status_starts_at')
        batch_op.create_index('ix_meetings_committee_id', ['committee_id'], unique=False)
        batch_op.create_index('ix_meetings_kind', ['kind'], unique=False)
        batch_op.create_index('ix_meetings_area_id_starts_at', ['area_id', 'starts_at'], unique=False)
