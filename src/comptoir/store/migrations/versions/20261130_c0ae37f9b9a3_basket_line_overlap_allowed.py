"""basket line: overlap allowed by the prescriber (CSP R.5132-33)

Revision ID: c0ae37f9b9a3
Revises: 4083235c86c8
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c0ae37f9b9a3'
down_revision: str | None = '4083235c86c8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('basket_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overlap_allowed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('basket_line', schema=None) as batch_op:
        batch_op.drop_column('overlap_allowed')
