"""sign-in failures say what was wrong (a password or a second factor) and which one paused the address (issue 12)

Revision ID: a12g00000005
Revises: a12e00000003
Create Date: 2026-12-11 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a12g00000005'
down_revision = 'a12e00000003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='password', nullable=False))
        batch_op.add_column(sa.Column('paused', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_column('paused')
        batch_op.drop_column('kind')
