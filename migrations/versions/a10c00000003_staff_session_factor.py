"""second factor bound to the session (issue 10.2)

Revision ID: a10c00000003
Revises: a10b00000002
Create Date: 2026-11-29 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a10c00000003'
down_revision = 'a10b00000002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
