"""dispensed pack: a serialised pack handed out once (two counters, same pack)

Revision ID: 7c4e2a91b5d3
Revises: 5c3a9e1f2b7d
Create Date: 2026-11-29 22:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7c4e2a91b5d3'
down_revision: str | None = '5c3a9e1f2b7d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dispensed_pack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cip13', sa.String(length=13), nullable=False),
    sa.Column('serial', sa.String(length=20), nullable=False),
    sa.Column('dispensation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dispensation_id'], ['dispensation.id'],
                            name=op.f('fk_dispensed_pack_dispensation_id_dispensation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispensed_pack')),
    sa.UniqueConstraint('cip13', 'serial', name='uq_dispensed_pack')
    )
    with op.batch_alter_table('dispensed_pack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispensed_pack_dispensation_id'), ['dispensation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dispensed_pack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispensed_pack_dispensation_id'))
    op.drop_table('dispensed_pack')
