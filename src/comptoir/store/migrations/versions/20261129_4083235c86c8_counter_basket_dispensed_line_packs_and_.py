"""counter basket, dispensed line packs and prices, cancellations

Revision ID: 4083235c86c8
Revises: 65b241ec5cde
Create Date: 2026-11-29 18:00:42.353372
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4083235c86c8'
down_revision: str | None = '65b241ec5cde'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('basket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('prescription_id', sa.String(length=18), nullable=True),
    sa.Column('renewal', sa.Integer(), nullable=False),
    sa.Column('prescriber_rpps', sa.String(length=11), nullable=True),
    sa.Column('prescriber_name', sa.Text(), nullable=False),
    sa.Column('prescribed_on', sa.Date(), nullable=True),
    sa.Column('scan_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('workstation', sa.String(length=80), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handed_over_by', sa.String(length=40), nullable=True),
    sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('taken_by', sa.String(length=40), nullable=True),
    sa.Column('dispensation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dispensation_id'], ['dispensation.id'], name=op.f('fk_basket_dispensation_id_dispensation')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_basket_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_basket'))
    )
    with op.batch_alter_table('basket', schema=None) as batch_op:
        batch_op.create_index('ix_basket_status', ['status', 'updated_at'], unique=False)

    op.create_table('basket_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('basket_id', sa.Integer(), nullable=False),
    sa.Column('alert_key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('finding_kind', sa.String(length=20), nullable=False),
    sa.Column('finding_level', sa.String(length=5), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('drugs', sa.JSON(), nullable=False),
    sa.Column('substances', sa.JSON(), nullable=False),
    sa.Column('problem_code', sa.String(length=6), nullable=True),
    sa.Column('intervention_code', sa.String(length=3), nullable=True),
    sa.Column('outcome_code', sa.String(length=3), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('operator_code', sa.String(length=40), nullable=False),
    sa.Column('workstation', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['basket_id'], ['basket.id'], name=op.f('fk_basket_decision_basket_id_basket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_basket_decision')),
    sa.UniqueConstraint('basket_id', 'alert_key', name='uq_basket_decision_alert')
    )
    with op.batch_alter_table('basket_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_basket_decision_basket_id'), ['basket_id'], unique=False)

    op.create_table('basket_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('basket_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('prescription_line', sa.Integer(), nullable=True),
    sa.Column('prescribed_cis', sa.String(length=8), nullable=True),
    sa.Column('cis', sa.String(length=8), nullable=True),
    sa.Column('cip13', sa.String(length=13), nullable=True),
    sa.Column('boxes', sa.Integer(), nullable=False),
    sa.Column('prescribed_boxes', sa.Integer(), nullable=True),
    sa.Column('posology', sa.Text(), nullable=False),
    sa.Column('duration_days', sa.Integer(), nullable=True),
    sa.Column('substitutable', sa.Boolean(), nullable=False),
    sa.Column('non_substitutable', sa.String(length=3), nullable=True),
    sa.Column('packs', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['basket_id'], ['basket.id'], name=op.f('fk_basket_line_basket_id_basket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_basket_line')),
    sa.UniqueConstraint('basket_id', 'position', name='uq_basket_line_position')
    )
    with op.batch_alter_table('basket_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_basket_line_basket_id'), ['basket_id'], unique=False)

    with op.batch_alter_table('dispensation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('dispensed_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('serial', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('expiry', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('packs', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('price_eur', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('reimbursement_rate', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('listing', sa.String(length=12), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('dispensed_line', schema=None) as batch_op:
        batch_op.drop_column('listing')
        batch_op.drop_column('reimbursement_rate')
        batch_op.drop_column('price_eur')
        batch_op.drop_column('packs')
        batch_op.drop_column('expiry')
        batch_op.drop_column('serial')
        batch_op.drop_column('lot')

    with op.batch_alter_table('dispensation', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_by')
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('basket_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_basket_line_basket_id'))

    op.drop_table('basket_line')
    with op.batch_alter_table('basket_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_basket_decision_basket_id'))

    op.drop_table('basket_decision')
    with op.batch_alter_table('basket', schema=None) as batch_op:
        batch_op.drop_index('ix_basket_status')

    op.drop_table('basket')
