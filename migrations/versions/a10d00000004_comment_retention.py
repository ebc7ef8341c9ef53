"""comment retention and consultation period reason (issue 10.7, 10.8, 10.13)

Revision ID: a10d00000004
Revises: a10b00000002
Create Date: 2026-11-29 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a10d00000004'
down_revision = 'a10b00000002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
