"""the monthly rollup of dashboard data sets' records

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

A service's dashboard grouped every record of its data sets by month on each cold read (5 years of
weekly records: 12-26 ms of SQL on PostgreSQL). `record_months` keeps, per (data set, month, group),
the totals of the data set's dashboard query; data_access.record_months refreshes the months each write
touches, in the write's transaction, and answers the dashboard from them.

The rows of the records already stored are built here in SQL frozen as data_access.record_months builds
them at this revision (with data_access.record_queries' expressions): a migration never calls live code.
"""
from decimal import Decimal

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data_set_id', sa.Integer(), nullable=False),
    sa.Column('month_start', sa.DateTime(), nullable=False),
    sa.Column('group_fields', sa.JSON(), nullable=False),
    sa.Column('group_text', sa.Text(), nullable=True),
    sa.Column('totals', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['data_set_id'], ['data_sets.id'], name=op.f('fk_record_months_data_set_id_data_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_months'))
    )
    with op.batch_alter_table('record_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_months_data_set_id_month_start'), ['data_set_id', 'month_start'], unique=False)
    _build(op.get_bind())


def downgrade():
    with op.batch_alter_table('record_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_months_data_set_id_month_start'))
    op.drop_table('record_months')


# --- the rollup's build, frozen at this revision ---------------------------------------------------------

# the dashboard query's group field (or none) and summed fields, per data type
ROLLUPS = {
    'transactions-by-channel': ('channel', ('count',)),
    'customer-satisfaction': (None, tuple(f'rating_{r}' for r in range(1, 6))),
    'completion': (None, ('started', 'completed')),
}

records = sa.table('records', sa.column('data_set_id'), sa.column('month_start_at', sa.DateTime()),
                   sa.column('data', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')))
data_sets = sa.table('data_sets', sa.column('id'), sa.column('data_type'))
record_months = sa.table('record_months', sa.column('data_set_id'), sa.column('month_start', sa.DateTime()),
                         sa.column('group_fields', sa.JSON()), sa.column('group_text'), sa.column('totals', sa.JSON()))


def _field(pg, field):
    """(kind, number, text) of a JSON field: 0 number, 1 string, 2 boolean, 3 null or missing."""
    value = records.c.data[field]
    if pg:
        kind = sa.func.jsonb_typeof(value)
        number = sa.case((kind == 'number', sa.cast(value.as_string(), sa.Numeric)))
        text = value.as_string()
    else:
        kind = sa.func.json_type(records.c.data, f'$."{field}"')
        number = sa.case((kind.in_(['integer', 'real']), sa.func.json_extract(records.c.data, f'$."{field}"')))
        text = sa.case((kind == 'true', 'true'), (kind == 'false', 'false'), else_=sa.cast(value.as_string(), sa.String))
    kind = sa.case((kind.in_(['number', 'integer', 'real']), 0), (kind.in_(['string', 'text']), 1),
                   (kind.in_(['boolean', 'true', 'false']), 2), else_=3)
    return kind, number, text


def _number(value):
    """Decimal (PostgreSQL numeric) as int when whole-valued in its own notation, else float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value


def _build(conn):
    pg = conn.dialect.name == 'postgresql'
    for data_type, (group, summed) in ROLLUPS.items():
        grouped = [column.label(name) for column, name in zip(_field(pg, group), 'knt')] if group else []
        sub = (sa.select(records.c.data_set_id, records.c.month_start_at.label('p'), *grouped,
                         *[_field(pg, field)[1].label(field) for field in summed])
               .where(records.c.data_set_id.in_(sa.select(data_sets.c.id).where(data_sets.c.data_type == data_type)),
                      records.c.month_start_at.is_not(None))
               .subquery())
        keys = [sub.c[name] for name in ('data_set_id', 'p', *('knt' if group else ''))]
        statement = sa.select(*keys, sa.func.count().label('_count'),
                              *[sa.func.sum(sub.c[field]).label(field) for field in summed]).group_by(*keys)
        rows = [_row(row._mapping, group, summed) for row in conn.execute(statement)]
        if rows:
            conn.execute(sa.insert(record_months), rows)


def _row(row, group, summed):
    fields = {group: (_number(row['n']), row['t'], row['t'] == 'true', None)[row['k']]} if group else {}
    return {'data_set_id': row['data_set_id'], 'month_start': row['p'], 'group_fields': fields,
            'group_text': row['t'] if group else None,
            'totals': {'_count': row['_count'], **{f'{field}:sum': _number(row[field]) for field in summed}}}
