"""channel rollups: transactions per (service, period, channel) and per (scope, period, channel)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

The channel charts (data_access.figures.scope_channel_volumes) read these instead of grouping the
measurements of every service in a scope on each query. data_access.rollups.refresh_rollups keeps them.

The rollups of the data already stored are built here in SQL frozen as data_access.rollups built them
at this revision: a migration never calls live code, which later revisions change.
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_channel_totals',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=60), nullable=False),
    sa.Column('volume', sa.Float(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_channel_totals_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'period_end', 'period_start', 'channel', name=op.f('pk_service_channel_totals'))
    )
    op.create_table('scope_channel_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=60), nullable=False),
    sa.Column('volume', sa.Float(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_scope_channel_totals_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_channel_totals'))
    )
    with op.batch_alter_table('scope_channel_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scope_channel_totals_scope_organisation_id_period_end'), ['scope', 'organisation_id', 'period_end'], unique=False)
    _build(op.get_bind())


def downgrade():
    with op.batch_alter_table('scope_channel_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scope_channel_totals_scope_organisation_id_period_end'))
    op.drop_table('scope_channel_totals')
    op.drop_table('service_channel_totals')


# --- the channel rollups' build, frozen at this revision ----------------------------------------------

def _table(name, *columns):
    return sa.table(name, *[sa.column(c) for c in columns])


m = _table('measurements', 'service_id', 'metric', 'dimension', 'period_start', 'period_end', 'value', 'illustrative')
services = _table('services', 'id', 'department_id', 'agency_id')
service_channels = _table('service_channel_totals', 'service_id', 'period_end', 'period_start', 'channel', 'volume',
                          'illustrative')
scope_channels = _table('scope_channel_totals', 'scope', 'organisation_id', 'period_start', 'period_end', 'channel',
                        'volume', 'illustrative')
SCOPE_COLUMNS = ['scope', 'organisation_id', 'period_start', 'period_end', 'channel', 'volume', 'illustrative']


def _any_illustrative(column):
    return sa.func.max(sa.case((column, 1), else_=0)) == 1


def _build(conn):
    rows = (sa.select(m.c.service_id, m.c.period_end, m.c.period_start, m.c.dimension, sa.func.sum(m.c.value),
                      _any_illustrative(m.c.illustrative))
            .where(m.c.metric == 'transactions')
            .group_by(m.c.service_id, m.c.period_end, m.c.period_start, m.c.dimension))
    conn.execute(sa.insert(service_channels).from_select(
        ['service_id', 'period_end', 'period_start', 'channel', 'volume', 'illustrative'], rows))
    t = service_channels
    for scope, column in (('department', services.c.department_id), ('agency', services.c.agency_id)):
        rows = (sa.select(sa.literal(scope), column, t.c.period_start, t.c.period_end, t.c.channel,
                          sa.func.sum(t.c.volume), _any_illustrative(t.c.illustrative))
                .join(services, services.c.id == t.c.service_id).where(column.is_not(None))
                .group_by(column, t.c.period_start, t.c.period_end, t.c.channel))
        conn.execute(sa.insert(scope_channels).from_select(SCOPE_COLUMNS, rows))
    d = scope_channels
    rows = (sa.select(sa.literal('all'), sa.literal(None), d.c.period_start, d.c.period_end, d.c.channel,
                      sa.func.sum(d.c.volume), _any_illustrative(d.c.illustrative))
            .where(d.c.scope == 'department').group_by(d.c.period_start, d.c.period_end, d.c.channel))
    conn.execute(sa.insert(scope_channels).from_select(SCOPE_COLUMNS, rows))
