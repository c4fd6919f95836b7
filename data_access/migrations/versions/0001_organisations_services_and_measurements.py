"""organisations, services and measurements

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('abbreviation', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['organisations.id'], name=op.f('fk_organisations_parent_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('slug', name=op.f('uq_organisations_slug'))
    )
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('service_type', sa.String(length=120), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('customer_type', sa.String(length=120), nullable=True),
    sa.Column('business_model', sa.String(length=120), nullable=True),
    sa.Column('notes_on_costs', sa.Text(), nullable=True),
    sa.Column('other_notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['organisations.id'], name=op.f('fk_services_agency_id_organisations')),
    sa.ForeignKeyConstraint(['department_id'], ['organisations.id'], name=op.f('fk_services_department_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('slug', name=op.f('uq_services_slug'))
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_services_department_id'), ['department_id'], unique=False)

    op.create_table('measurements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('dimension', sa.String(length=60), server_default='', nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_measurements_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurements')),
    sa.UniqueConstraint('service_id', 'metric', 'dimension', 'period_start', 'period_end', 'source', name=op.f('uq_measurements_row'))
    )
    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurements_period_end_metric'), ['period_end', 'metric'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurements_service_id_period_end_metric'), ['service_id', 'period_end', 'metric'], unique=False)



def downgrade():
    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurements_service_id_period_end_metric'))
        batch_op.drop_index(batch_op.f('ix_measurements_period_end_metric'))

    op.drop_table('measurements')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_services_department_id'))
        batch_op.drop_index(batch_op.f('ix_services_agency_id'))

    op.drop_table('services')
    op.drop_table('organisations')
