"""dp record: the DP's last answer for each patient (status, other pharmacies' lines, refusal of the day)

Revision ID: d9f1a2b3c4e5
Revises: 807f342622b0
Create Date: 2026-11-30 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd9f1a2b3c4e5'
down_revision: str | None = '807f342622b0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'dp_record',
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('opening_key', sa.String(length=80), nullable=True),
        sa.Column('consulted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('window_months', sa.Integer(), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('consultation_refused_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_dp_record_patient_id_patient')),
        sa.PrimaryKeyConstraint('patient_id', name=op.f('pk_dp_record')),
    )


def downgrade() -> None:
    op.drop_table('dp_record')
