"""which metrics have illustrative values, per service and per scope; the index's ratio keys, indexed

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

The notes on generated figures (data_access.figures.illustrative_metrics,
data_access.drilldowns.illustrative_in_scope) read these instead of scanning a scope's measurements.
The services index sorted by digital take-up or cost per transaction reads a page of rows from an
index led by (period or latest, organisation or none) and the ratio, stored on service_period_totals,
as it reads the volume. data_access.rollups.refresh_rollups keeps both.

Then the rollups get statistics, on SQLite too (data_access.rollups._analyse).

The rollups of the data already stored are built here in SQL frozen as data_access.rollups built them
at this revision: a migration never calls live code, which later revisions change.
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_illustrative_metrics',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_illustrative_metrics_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'metric', name=op.f('pk_service_illustrative_metrics'))
    )
    op.create_table('scope_illustrative_metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_scope_illustrative_metrics_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_illustrative_metrics'))
    )
    with op.batch_alter_table('scope_illustrative_metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scope_illustrative_metrics_scope_organisation_id'), ['scope', 'organisation_id'], unique=False)
    _build_illustrative(op.get_bind())
    with op.batch_alter_table('service_period_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('take_up', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('unit_cost', sa.Float(), nullable=True))
        for columns in KEY_INDEXES:
            batch_op.create_index(_index_name(columns), list(columns), unique=False)
    _fill_index_keys(op.get_bind())
    _analyse(op.get_bind())


def downgrade():
    with op.batch_alter_table('service_period_totals', schema=None) as batch_op:
        for columns in KEY_INDEXES:
            batch_op.drop_index(_index_name(columns))
        batch_op.drop_column('unit_cost')
        batch_op.drop_column('take_up')
    with op.batch_alter_table('scope_illustrative_metrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scope_illustrative_metrics_scope_organisation_id'))
    op.drop_table('scope_illustrative_metrics')
    op.drop_table('service_illustrative_metrics')


KEY_INDEXES = tuple((lead, *organisation, key) for key in ('take_up', 'unit_cost')
                    for lead in ('period_end', 'latest') for organisation in ((), ('department_id',), ('agency_id',)))


def _index_name(columns):
    return 'ix_service_period_totals_' + '_'.join(columns)


# --- the rollups' build, frozen at this revision ------------------------------------------------------

def _table(name, *columns):
    return sa.table(name, *[sa.column(c) for c in columns])


m = _table('measurements', 'service_id', 'metric', 'illustrative')
services = _table('services', 'id', 'department_id', 'agency_id')
service_illustrative = _table('service_illustrative_metrics', 'service_id', 'metric')
scope_illustrative = _table('scope_illustrative_metrics', 'scope', 'organisation_id', 'metric')


def _build_illustrative(conn):
    rows = sa.select(m.c.service_id, m.c.metric).distinct().where(m.c.illustrative)
    conn.execute(sa.insert(service_illustrative).from_select(['service_id', 'metric'], rows))
    t = service_illustrative
    for scope, column in (('department', services.c.department_id), ('agency', services.c.agency_id)):
        rows = (sa.select(sa.literal(scope), column, t.c.metric).distinct()
                .join(services, services.c.id == t.c.service_id).where(column.is_not(None)))
        conn.execute(sa.insert(scope_illustrative).from_select(['scope', 'organisation_id', 'metric'], rows))
    s = scope_illustrative
    rows = sa.select(sa.literal('all'), sa.literal(None, sa.Integer()), s.c.metric).distinct().where(s.c.scope == 'department')
    conn.execute(sa.insert(scope_illustrative).from_select(['scope', 'organisation_id', 'metric'], rows))


def _fill_index_keys(conn):
    t = _table('service_period_totals', 'digital_volume', 'channel_volume', 'total_cost', 'costed_volume',
               'take_up', 'unit_cost')
    conn.execute(sa.update(t).values(take_up=t.c.digital_volume / sa.func.nullif(t.c.channel_volume, 0),
                                     unit_cost=t.c.total_cost / sa.func.nullif(t.c.costed_volume, 0)))


def _analyse(conn):
    """Statistics for the planners (SQLite had none: without them it read the rollups through an
    index led by `latest`, once per service)."""
    tables = ('service_period_totals', 'scope_period_totals', 'service_channel_totals', 'scope_channel_totals',
              'service_illustrative_metrics', 'scope_illustrative_metrics', 'organisations')
    if conn.dialect.name == 'postgresql':
        conn.exec_driver_sql('ANALYZE ' + ', '.join(tables))
    elif conn.dialect.name == 'sqlite':
        conn.exec_driver_sql('PRAGMA analysis_limit=1000')
        for table in tables:
            conn.exec_driver_sql(f'ANALYZE {table}')
