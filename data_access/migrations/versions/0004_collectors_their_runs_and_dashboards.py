"""collectors, their runs, and dashboards

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dashboards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('dashboard_type', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('about_the_data', sa.Text(), nullable=True),
    sa.Column('related_links', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('modules', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), server_default='draft', nullable=False),
    sa.Column('release_at', sa.DateTime(), nullable=True),
    sa.Column('draft_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_dashboards_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_dashboards_service_id_services'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboards')),
    sa.UniqueConstraint('slug', name=op.f('uq_dashboards_slug'))
    )
    with op.batch_alter_table('dashboards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dashboards_service_id'), ['service_id'], unique=False)

    op.create_table('collectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('data_set_id', sa.Integer(), nullable=False),
    sa.Column('schedule', sa.String(length=20), nullable=False),
    sa.Column('config', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('credentials', sa.Text(), nullable=True),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_run_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['data_set_id'], ['data_sets.id'], name=op.f('fk_collectors_data_set_id_data_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collectors')),
    sa.UniqueConstraint('name', name=op.f('uq_collectors_name'))
    )
    with op.batch_alter_table('collectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collectors_data_set_id'), ['data_set_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collectors_next_run_at'), ['next_run_at'], unique=False)

    op.create_table('collector_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(), nullable=False),
    sa.Column('attempt', sa.Integer(), server_default='1', nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('records_written', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('range_from', sa.DateTime(), nullable=True),
    sa.Column('range_to', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.id'], name=op.f('fk_collector_runs_collector_id_collectors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collector_runs')),
    sa.UniqueConstraint('collector_id', 'scheduled_for', 'attempt', name='uq_collector_runs_slot')
    )
    with op.batch_alter_table('collector_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collector_runs_collector_id_started_at'), ['collector_id', 'started_at'], unique=False)



def downgrade():
    with op.batch_alter_table('collector_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collector_runs_collector_id_started_at'))

    op.drop_table('collector_runs')
    with op.batch_alter_table('collectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collectors_next_run_at'))
        batch_op.drop_index(batch_op.f('ix_collectors_data_set_id'))

    op.drop_table('collectors')
    with op.batch_alter_table('dashboards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dashboards_service_id'))

    op.drop_table('dashboards')
