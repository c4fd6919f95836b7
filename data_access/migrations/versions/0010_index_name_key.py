"""the services index by name, department and period: services' name key, copied on the rollup, indexed

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

The index orders services by their lower-case name in code-point order (as Python sorts), after the
period or the department or alone. Computed in each query, every matching service was read and
sorted: sorted by period, 125 ms at N=10,000 on PostgreSQL, ten times N=1,000. Now `services` keep the
key, lower(name) (COLLATE "C" on PostgreSQL; SQLite's BINARY is code-point order), indexed led by the
department, the agency or nothing; and rollup rows carry a copy, indexed after (period or latest,
organisation or none) and period_end: by `latest`, newest first needs period_end descending, the name
ascending. data_access.rollups.refresh_rollups keeps both, and statistics on `services` too.

The keys of the rows already stored are set here in SQL frozen as data_access.rollups sets them at this
revision: a migration never calls live code, which later revisions change.
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SERVICE_INDEXES = (('name_key', 'slug'), ('department_id', 'name_key', 'slug'), ('agency_id', 'name_key', 'slug'))
# (name, columns) on service_period_totals: 'period_end DESC' descending
INDEXES = (
    ('ix_service_period_totals_period_end_name_key', ('period_end', 'name_key')),
    ('ix_service_period_totals_period_end_department_id_name_key', ('period_end', 'department_id', 'name_key')),
    ('ix_service_period_totals_period_end_agency_id_name_key', ('period_end', 'agency_id', 'name_key')),
    ('ix_service_period_totals_latest_end_name', ('latest', 'period_end', 'name_key')),
    ('ix_service_period_totals_latest_department_id_end_name', ('latest', 'department_id', 'period_end', 'name_key')),
    ('ix_service_period_totals_latest_agency_id_end_name', ('latest', 'agency_id', 'period_end', 'name_key')),
    ('ix_service_period_totals_latest_end_desc_name', ('latest', 'period_end DESC', 'name_key')),
    ('ix_service_period_totals_latest_department_id_end_desc_name',
     ('latest', 'department_id', 'period_end DESC', 'name_key')),
    ('ix_service_period_totals_latest_agency_id_end_desc_name', ('latest', 'agency_id', 'period_end DESC', 'name_key')),
)


def _columns(columns):
    return [sa.text(c) if ' ' in c else c for c in columns]


def _name_key():
    return sa.String(length=300).with_variant(sa.String(length=300, collation='C'), 'postgresql')


def _service_index_name(columns):
    return 'ix_services_' + '_'.join(columns)


def upgrade():
    # not in a batch: SQLite adds a column in place (a batch would copy `services`, which other tables
    # reference, and drop the old one)
    op.add_column('services', sa.Column('name_key', _name_key(), nullable=True))
    for columns in SERVICE_INDEXES:
        op.create_index(_service_index_name(columns), 'services', list(columns), unique=False)
    op.add_column('service_period_totals', sa.Column('name_key', _name_key(), nullable=True))
    _fill_name_keys(op.get_bind())
    for name, columns in INDEXES:
        op.create_index(name, 'service_period_totals', _columns(columns), unique=False)
    _analyse(op.get_bind())


def downgrade():
    for name, _ in INDEXES:
        op.drop_index(name, table_name='service_period_totals')
    with op.batch_alter_table('service_period_totals', schema=None) as batch_op:
        batch_op.drop_column('name_key')
    for columns in SERVICE_INDEXES:
        op.drop_index(_service_index_name(columns), table_name='services')
    op.drop_column('services', 'name_key')  # in place on SQLite too (3.35+), the column unindexed now


# --- the copy of the names, frozen at this revision ------------------------------------------------------

def _table(name, *columns):
    return sa.table(name, *[sa.column(c) for c in columns])


def _fill_name_keys(conn):
    services = _table('services', 'id', 'name', 'name_key')
    conn.execute(sa.update(services).values(name_key=sa.func.lower(services.c.name)))
    t = _table('service_period_totals', 'service_id', 'name_key')
    name = sa.select(services.c.name_key).where(services.c.id == t.c.service_id).scalar_subquery()
    conn.execute(sa.update(t).values(name_key=name))


def _analyse(conn):
    if conn.dialect.name == 'postgresql':
        conn.exec_driver_sql('ANALYZE service_period_totals, services')
    elif conn.dialect.name == 'sqlite':
        conn.exec_driver_sql('PRAGMA analysis_limit=1000')
        for table in ('service_period_totals', 'services'):
            conn.exec_driver_sql(f'ANALYZE {table}')
