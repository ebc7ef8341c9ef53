"""registrations, lottery commitment (issue 10.3-6, 11)

Revision ID: a10b00000002
Revises: a10a00000001
Create Date: 2026-11-29 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a10b00000002'
down_revision = 'a10a00000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
