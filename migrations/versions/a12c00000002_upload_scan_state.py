"""virus check state of uploaded files (issue 12.5)

Revision ID: a12c00000002
Revises: a12a00000001
Create Date: 2026-11-29 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a12c00000002'
down_revision = 'a12a00000001'
branch_labels = None
depends_on = None

STATES = ('pending', 'clean', 'infected')


def _state(name):
    # Files stored before this change count as scanned: the server default marks every existing row clean.
    return sa.Column(name, sa.Enum(*STATES, name=name, native_enum=False, create_constraint=True, length=20),
                     server_default='clean', nullable=False)


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(_state('scan_status'))
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(_state('attachment_scan'))


def downgrade():
    # the CHECK constraint first: SQLite's batch mode would copy it onto a table without its column
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_comments_attachment_scan'), type_='check')
        batch_op.drop_column('attachment_scan')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_documents_scan_status'), type_='check')
        batch_op.drop_column('scan_status')
