"""secure supply: ASAFO alerts and declarations, expensive check

Revision ID: 29308a5a0e87
Revises: d9f1a2b3c4e5
Create Date: 2026-11-29 21:02:30.133581
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '29308a5a0e87'
down_revision: str | None = 'd9f1a2b3c4e5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "Is this prescriber known to the pharmacy?" is asked at every change of a basket (services/asafo/trust.py).
    with op.batch_alter_table('dispensation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispensation_prescriber_rpps'), ['prescriber_rpps'], unique=False)
    op.create_table('asafo_alert',
    sa.Column('alert_id', sa.String(length=40), nullable=False),
    sa.Column('anomaly', sa.String(length=20), nullable=False),
    sa.Column('review_ended_on', sa.Date(), nullable=False),
    sa.Column('prescribed_on', sa.Date(), nullable=True),
    sa.Column('prescriber_rpps', sa.String(length=11), nullable=True),
    sa.Column('prescriber_structure', sa.String(length=14), nullable=True),
    sa.Column('prescriber_name', sa.Text(), nullable=False),
    sa.Column('patient_nir', sa.String(length=15), nullable=True),
    sa.Column('patient_name', sa.Text(), nullable=False),
    sa.Column('drug_class', sa.Text(), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('alert_id', name=op.f('pk_asafo_alert'))
    )
    with op.batch_alter_table('asafo_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asafo_alert_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_asafo_alert_patient_nir'), ['patient_nir'], unique=False)
        batch_op.create_index(batch_op.f('ix_asafo_alert_prescriber_rpps'), ['prescriber_rpps'], unique=False)

    op.create_table('asafo_sync',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asafo_sync'))
    )
    op.create_table('asafo_visit',
    sa.Column('operator_code', sa.String(length=40), nullable=False),
    sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('operator_code', name=op.f('pk_asafo_visit'))
    )
    op.create_table('asafo_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('basket_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('operator_code', sa.String(length=40), nullable=False),
    sa.Column('prescriber_rpps', sa.String(length=11), nullable=True),
    sa.Column('prescriber_name', sa.Text(), nullable=False),
    sa.Column('prescribed_on', sa.Date(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('patient_nir', sa.String(length=15), nullable=True),
    sa.Column('patient_name', sa.Text(), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('authenticated_by_prescriber', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('remote_id', sa.String(length=40), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['basket_id'], ['basket.id'], name=op.f('fk_asafo_declaration_basket_id_basket')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_asafo_declaration_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asafo_declaration')),
    sa.UniqueConstraint('key', name=op.f('uq_asafo_declaration_key'))
    )
    with op.batch_alter_table('asafo_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asafo_declaration_basket_id'), ['basket_id'], unique=False)

    op.create_table('expensive_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('basket_id', sa.Integer(), nullable=False),
    sa.Column('dispensation_id', sa.Integer(), nullable=True),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('prescriber_verified', sa.Boolean(), nullable=False),
    sa.Column('original_seen', sa.Boolean(), nullable=False),
    sa.Column('identity_checked', sa.Boolean(), nullable=False),
    sa.Column('specialty_coherent', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('operator_code', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['basket_id'], ['basket.id'], name=op.f('fk_expensive_check_basket_id_basket')),
    sa.ForeignKeyConstraint(['dispensation_id'], ['dispensation.id'], name=op.f('fk_expensive_check_dispensation_id_dispensation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expensive_check')),
    sa.UniqueConstraint('basket_id', name=op.f('uq_expensive_check_basket_id'))
    )
    with op.batch_alter_table('expensive_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expensive_check_dispensation_id'), ['dispensation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('expensive_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expensive_check_dispensation_id'))

    op.drop_table('expensive_check')
    with op.batch_alter_table('asafo_declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asafo_declaration_basket_id'))

    op.drop_table('asafo_declaration')
    op.drop_table('asafo_visit')
    op.drop_table('asafo_sync')
    with op.batch_alter_table('asafo_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asafo_alert_prescriber_rpps'))
        batch_op.drop_index(batch_op.f('ix_asafo_alert_patient_nir'))
        batch_op.drop_index(batch_op.f('ix_asafo_alert_created_at'))

    op.drop_table('asafo_alert')
    with op.batch_alter_table('dispensation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispensation_prescriber_rpps'))
