"""operator session remembers its Pro Santé Connect identity and access token (SPEC §8, §15.5)

Revision ID: 5c3a9e1f2b7d
Revises: 29308a5a0e87
Create Date: 2026-11-30 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5c3a9e1f2b7d'
down_revision: str | None = '29308a5a0e87'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (('psc_id_nat', sa.String(length=20)), ('psc_profession', sa.String(length=4)),
           ('psc_structure', sa.String(length=20)), ('psc_means', sa.String(length=10)),
           ('psc_access_token', sa.Text()), ('psc_expires_at', sa.DateTime(timezone=True)),
           ('psc_id_token', sa.Text()))


def upgrade() -> None:
    with op.batch_alter_table('operator_session', schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('operator_session', schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
