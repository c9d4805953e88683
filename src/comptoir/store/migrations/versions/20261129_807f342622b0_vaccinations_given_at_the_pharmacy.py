"""vaccinations given at the pharmacy

Revision ID: 807f342622b0
Revises: b24007668fc2
Create Date: 2026-11-29 21:00:29.512048
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '807f342622b0'
down_revision: str | None = 'b24007668fc2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('vaccination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cip13', sa.String(length=13), nullable=False),
    sa.Column('product_name', sa.Text(), nullable=False),
    sa.Column('cis', sa.String(length=8), nullable=False),
    sa.Column('atc', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('lot', sa.String(length=20), nullable=False),
    sa.Column('expiry', sa.Date(), nullable=False),
    sa.Column('dose', sa.String(length=10), nullable=False),
    sa.Column('route', sa.String(length=4), nullable=False),
    sa.Column('site', sa.String(length=60), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('operator_code', sa.String(length=40), nullable=False),
    sa.Column('pharmacist_name', sa.Text(), nullable=False),
    sa.Column('pharmacist_rpps', sa.String(length=11), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('prescriber_rpps', sa.String(length=11), nullable=False),
    sa.Column('prescriber_name', sa.Text(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_vaccination_operator_id_operator')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_vaccination_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vaccination'))
    )
    with op.batch_alter_table('vaccination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vaccination_patient_id'), ['patient_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vaccination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vaccination_patient_id'))

    op.drop_table('vaccination')
