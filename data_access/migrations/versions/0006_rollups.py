"""rollups of measurements: totals per (service, period) and per (scope, period)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

The rollups of the data already stored are built by 0007 (in SQL frozen there): this migration called
the live data_access.rollups.refresh_rollups, which writes columns that only 0007 adds.
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TOTALS = ('volume', 'channel_volume', 'digital_volume', 'costed_volume', 'total_cost', 'started', 'completed',
          'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5')


def upgrade():
    op.create_table('service_period_totals',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('cost_per_transaction', sa.Float(), nullable=True),
    *[sa.Column(name, sa.Float(), nullable=True) for name in TOTALS],
    sa.Column('latest', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_period_totals_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'period_end', 'period_start', name=op.f('pk_service_period_totals'))
    )
    with op.batch_alter_table('service_period_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_period_totals_latest_service_id'), ['latest', 'service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_period_totals_period_end_service_id'), ['period_end', 'service_id'], unique=False)

    op.create_table('scope_period_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    *[sa.Column(name, sa.Float(), nullable=True) for name in TOTALS],
    sa.Column('services', sa.Integer(), nullable=False),
    sa.Column('rating_services', sa.Integer(), nullable=False),
    sa.Column('started_services', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_scope_period_totals_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_period_totals'))
    )
    with op.batch_alter_table('scope_period_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scope_period_totals_scope_organisation_id_period_end'), ['scope', 'organisation_id', 'period_end'], unique=False)

    # the rollups of data already stored: built by 0007 (this called live code, which later columns broke)


def downgrade():
    with op.batch_alter_table('scope_period_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scope_period_totals_scope_organisation_id_period_end'))
    op.drop_table('scope_period_totals')
    with op.batch_alter_table('service_period_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_period_totals_period_end_service_id'))
        batch_op.drop_index(batch_op.f('ix_service_period_totals_latest_service_id'))
    op.drop_table('service_period_totals')
