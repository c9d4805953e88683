"""patient profile: pregnancy (first day of amenorrhoea), breastfeeding, weight and eGFR with their dates

Revision ID: 65b241ec5cde
Revises: e5ef5c9a83c5
Create Date: 2026-11-29 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '65b241ec5cde'
down_revision: str | None = 'e5ef5c9a83c5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pregnant', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('amenorrhoea_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('breastfeeding', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('weight_kg', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('weight_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('egfr', sa.Numeric(precision=4, scale=1), nullable=True))
        batch_op.add_column(sa.Column('egfr_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_column('egfr_on')
        batch_op.drop_column('egfr')
        batch_op.drop_column('weight_on')
        batch_op.drop_column('weight_kg')
        batch_op.drop_column('breastfeeding')
        batch_op.drop_column('amenorrhoea_start')
        batch_op.drop_column('pregnant')
