"""services index flat in N: rollup rows carry their service's department and agency; service counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

The services index (data_access.figures) reads a page of a period's rollup rows in volume order from
one index led by (period or latest, department or agency or none), and its dropdowns and counts read
each organisation's number of services instead of counting every service. The old indexes of the
rollup (period, service) and (latest, service) served only the index's per-service join: replaced.
On PostgreSQL, statistics of the dependency of a period's start on its end keep the planner's
estimate of a department's rows of a year right (it reads the index in order only when it knows).

The rollups are rebuilt here from the measurements in SQL frozen as data_access.rollups built them
at this revision: a migration never calls live code, which later revisions change.
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TOTALS = ('volume', 'channel_volume', 'digital_volume', 'costed_volume', 'total_cost', 'started', 'completed',
          'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5')
NEW_INDEXES = (('period_end', 'volume'), ('period_end', 'department_id', 'volume'),
               ('period_end', 'agency_id', 'volume'), ('latest', 'volume'), ('latest', 'department_id', 'volume'),
               ('latest', 'agency_id', 'volume'))
OLD_INDEXES = (('period_end', 'service_id'), ('latest', 'service_id'))


def _index_name(columns):
    return 'ix_service_period_totals_' + '_'.join(columns)


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_services', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('agency_services', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('service_period_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        for columns in OLD_INDEXES:
            batch_op.drop_index(_index_name(columns))
        for columns in NEW_INDEXES:
            batch_op.create_index(_index_name(columns), list(columns), unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # a period's end gives its start: without this the planner multiplies the two selectivities,
        # expects a few rows for a department's year and sorts them all instead of reading the index
        op.execute('CREATE STATISTICS st_service_period_totals_period (dependencies) '
                   'ON period_start, period_end FROM service_period_totals')
    _rebuild(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP STATISTICS IF EXISTS st_service_period_totals_period')
    with op.batch_alter_table('service_period_totals', schema=None) as batch_op:
        for columns in NEW_INDEXES:
            batch_op.drop_index(_index_name(columns))
        for columns in OLD_INDEXES:
            batch_op.create_index(_index_name(columns), list(columns), unique=False)
        batch_op.drop_column('agency_id')
        batch_op.drop_column('department_id')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('agency_services')
        batch_op.drop_column('department_services')


# --- the rollups' build, frozen at this revision ------------------------------------------------------

def _table(name, *columns):
    return sa.table(name, *[sa.column(c) for c in columns])


m = _table('measurements', 'service_id', 'metric', 'dimension', 'period_start', 'period_end', 'value')
services = _table('services', 'id', 'department_id', 'agency_id')
organisations = _table('organisations', 'id', 'department_services', 'agency_services')
service_totals = _table('service_period_totals', 'service_id', 'department_id', 'agency_id', 'period_end',
                        'period_start', 'cost_per_transaction', *TOTALS, 'latest')
scope_totals = _table('scope_period_totals', 'scope', 'organisation_id', 'period_start', 'period_end', *TOTALS,
                      'services', 'rating_services', 'started_services')


def _rebuild(conn):
    conn.execute(sa.delete(service_totals))
    rows = _service_rows()
    conn.execute(sa.insert(service_totals).from_select(list(rows.selected_columns.keys()), rows))
    _mark_latest(conn)
    conn.execute(sa.delete(scope_totals))
    for scope, column in (('all', None), ('department', services.c.department_id), ('agency', services.c.agency_id)):
        rows = _scope_rows(scope, column)
        conn.execute(sa.insert(scope_totals).from_select(list(rows.selected_columns.keys()), rows))

    def count(column):
        return sa.select(sa.func.count()).where(column == organisations.c.id).scalar_subquery()
    conn.execute(sa.update(organisations).values(department_services=count(services.c.department_id),
                                                 agency_services=count(services.c.agency_id)))


def _service_rows():
    transactions = m.c.metric == 'transactions'

    def total(condition):
        return sa.func.sum(sa.case((condition, m.c.value)))
    volume = total(transactions)
    cost = sa.func.max(sa.case((m.c.metric == 'cost_per_transaction', m.c.value)))
    return sa.select(
        m.c.service_id, services.c.department_id, services.c.agency_id, m.c.period_end, m.c.period_start,
        cost.label('cost_per_transaction'), volume.label('volume'),
        total(sa.and_(transactions, m.c.dimension != 'unspecified')).label('channel_volume'),
        total(sa.and_(transactions, m.c.dimension == 'digital')).label('digital_volume'),
        sa.case((cost.is_not(None), volume)).label('costed_volume'),
        (volume * cost).label('total_cost'),
        total(m.c.metric == 'started').label('started'),
        total(m.c.metric == 'completed').label('completed'),
        *[total(sa.and_(m.c.metric == 'rating', m.c.dimension == str(r))).label(f'rating_{r}') for r in range(1, 6)],
    ).join(services, services.c.id == m.c.service_id).group_by(
        m.c.service_id, services.c.department_id, services.c.agency_id, m.c.period_start, m.c.period_end)


def _mark_latest(conn):
    t, other = service_totals, service_totals.alias('other')
    latest_end = (sa.select(sa.func.max(other.c.period_end))
                  .where(other.c.service_id == t.c.service_id, other.c.volume.is_not(None)).scalar_subquery())
    conn.execute(sa.update(t).values(latest=sa.case(
        (sa.and_(t.c.volume.is_not(None), t.c.period_end == latest_end), sa.true()), else_=sa.false())))


def _scope_rows(scope, organisation_column):
    t = service_totals
    rated = sa.or_(*[t.c[f'rating_{r}'].is_not(None) for r in range(1, 6)])
    organisation = organisation_column if organisation_column is not None else sa.literal(None)
    query = (sa.select(sa.literal(scope).label('scope'), organisation.label('organisation_id'),
                       t.c.period_start, t.c.period_end,
                       *[sa.func.sum(t.c[name]).label(name) for name in TOTALS],
                       sa.func.count(t.c.volume).label('services'),
                       sa.func.count(sa.case((rated, 1))).label('rating_services'),
                       sa.func.count(t.c.started).label('started_services'))
             .group_by(*([organisation_column] if organisation_column is not None else []),
                       t.c.period_start, t.c.period_end))
    if organisation_column is not None:
        query = query.join(services, services.c.id == t.c.service_id).where(organisation_column.is_not(None))
    return query
