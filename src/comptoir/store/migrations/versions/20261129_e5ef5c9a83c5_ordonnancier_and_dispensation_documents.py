"""ordonnancier (register of listed medicines, its counter) and the dispensations' documents (scans)

Revision ID: e5ef5c9a83c5
Revises: b7d2c4e1a9f3
Create Date: 2026-11-29 17:58:54.580880
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e5ef5c9a83c5'
down_revision: str | None = 'b7d2c4e1a9f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('register_counter',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_register_counter'))
    )
    op.create_table('dispensation_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('basket_ref', sa.String(length=64), nullable=True),
    sa.Column('dispensation_id', sa.Integer(), nullable=True),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('operator_code', sa.String(length=40), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['dispensation_id'], ['dispensation.id'], name=op.f('fk_dispensation_document_dispensation_id_dispensation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispensation_document'))
    )
    with op.batch_alter_table('dispensation_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispensation_document_basket_ref'), ['basket_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispensation_document_dispensation_id'), ['dispensation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispensation_document_taken_at'), ['taken_at'], unique=False)

    op.create_table('register_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('dispensation_id', sa.Integer(), nullable=False),
    sa.Column('line_position', sa.Integer(), nullable=True),
    sa.Column('listing', sa.String(length=12), nullable=False),
    sa.Column('product', sa.Text(), nullable=False),
    sa.Column('cip13', sa.String(length=13), nullable=True),
    sa.Column('cis', sa.String(length=8), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('prescriber_name', sa.Text(), nullable=False),
    sa.Column('prescriber_rpps', sa.String(length=11), nullable=True),
    sa.Column('prescriber_address', sa.Text(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('patient_name', sa.Text(), nullable=False),
    sa.Column('patient_address', sa.Text(), nullable=False),
    sa.Column('operator_code', sa.String(length=40), nullable=False),
    sa.Column('cancels_number', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['dispensation_id'], ['dispensation.id'], name=op.f('fk_register_entry_dispensation_id_dispensation')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_register_entry_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entry')),
    sa.UniqueConstraint('cancels_number', name=op.f('uq_register_entry_cancels_number')),
    sa.UniqueConstraint('number', name=op.f('uq_register_entry_number'))
    )
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_entry_dispensation_id'), ['dispensation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entry_listing'), ['listing'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entry_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entry_recorded_at'), ['recorded_at'], unique=False)
    # The counter's row exists before any entry: concurrent first writers then lock it rather than both insert it.
    op.execute("INSERT INTO register_counter (name, last_number) VALUES ('ordonnancier', 0)")



def downgrade() -> None:
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_entry_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_register_entry_patient_id'))
        batch_op.drop_index(batch_op.f('ix_register_entry_listing'))
        batch_op.drop_index(batch_op.f('ix_register_entry_dispensation_id'))

    op.drop_table('register_entry')
    with op.batch_alter_table('dispensation_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispensation_document_taken_at'))
        batch_op.drop_index(batch_op.f('ix_dispensation_document_dispensation_id'))
        batch_op.drop_index(batch_op.f('ix_dispensation_document_basket_ref'))

    op.drop_table('dispensation_document')
    op.drop_table('register_counter')
