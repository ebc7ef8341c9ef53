"""accommodation catalogue data and retired flags (issue 10.1)

Revision ID: a10a00000001
Revises: 974945c2b963
Create Date: 2026-11-29 10:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a10a00000001'
down_revision = '974945c2b963'
branch_labels = None
depends_on = None

TABLES = ("accommodations", "areas", "venues", "committees")

def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))

def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("retired_at")
