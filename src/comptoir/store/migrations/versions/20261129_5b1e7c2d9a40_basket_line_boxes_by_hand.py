"""basket line: boxes set by hand (a posology change no longer re-plans them); basket: the paper prescriber's
address (ordonnancier, CSP R.5132-10)

Revision ID: 5b1e7c2d9a40
Revises: c0ae37f9b9a3
Create Date: 2026-11-29 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b1e7c2d9a40'
down_revision: str | None = 'c0ae37f9b9a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('basket_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('boxes_by_hand', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('basket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prescriber_address', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('basket', schema=None) as batch_op:
        batch_op.drop_column('prescriber_address')
    with op.batch_alter_table('basket_line', schema=None) as batch_op:
        batch_op.drop_column('boxes_by_hand')
