"""documents shared with the DMP and the patients' opposition to its feeding

Revision ID: b24007668fc2
Revises: 5b1e7c2d9a40
Create Date: 2026-11-29 20:58:18.584525
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b24007668fc2'
down_revision: str | None = '5b1e7c2d9a40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('patient_dmp_choice',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('feeding_opposed', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_patient_dmp_choice_patient_id_patient')),
    sa.PrimaryKeyConstraint('patient_id', name=op.f('pk_patient_dmp_choice'))
    )
    op.create_table('shared_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('set_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('type_code', sa.String(length=20), nullable=False),
    sa.Column('visibility', sa.JSON(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('act_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('author_rpps', sa.String(length=11), nullable=False),
    sa.Column('author_name', sa.Text(), nullable=False),
    sa.Column('source_ref', sa.String(length=80), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_shared_document_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shared_document')),
    sa.UniqueConstraint('document_id', name=op.f('uq_shared_document_document_id'))
    )
    with op.batch_alter_table('shared_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shared_document_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shared_document_source_ref'), ['source_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_shared_document_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('shared_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shared_document_status'))
        batch_op.drop_index(batch_op.f('ix_shared_document_source_ref'))
        batch_op.drop_index(batch_op.f('ix_shared_document_patient_id'))

    op.drop_table('shared_document')
    op.drop_table('patient_dmp_choice')
