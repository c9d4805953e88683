"""login failures name their source address

Revision ID: b7d2c4e1a9f3
Revises: 26e9990d8b56
Create Date: 2026-11-29 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b7d2c4e1a9f3'
down_revision: str | None = '26e9990d8b56'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_login_failure_address'), ['address'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_address'))
        batch_op.drop_column('address')
