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
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data_purged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('person_key', sa.String(length=64), nullable=True))
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follows_comment', sa.Boolean(), server_default=sa.false(), nullable=False))
    # The first opinion was copied from the comment's public text at acceptance: it follows it while unedited.
    op.execute("UPDATE opinions SET follows_comment = TRUE WHERE position = 0 AND summary = "
               "(SELECT comments.public_text FROM comments WHERE comments.id = opinions.comment_id)")
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.alter_column('short_period_reason', new_column_name='short_period_reason_ja',
                              existing_type=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column('short_period_reason_en', sa.Text(), nullable=True))
    op.create_table(
        'comment_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_uploads')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_comment_uploads_stored_name')),
    )
    with op.batch_alter_table('comment_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_uploads_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('comment_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_uploads_created_at'))
    op.drop_table('comment_uploads')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_column('short_period_reason_en')
        batch_op.alter_column('short_period_reason_ja', new_column_name='short_period_reason',
                              existing_type=sa.Text(), existing_nullable=True)
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_column('follows_comment')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('person_key')
        batch_op.drop_column('personal_data_purged_at')
