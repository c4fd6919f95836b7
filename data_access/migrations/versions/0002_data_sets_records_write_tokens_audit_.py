"""data sets, records, write tokens, audit log and users

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('data_set', sa.String(length=130), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('records', sa.Integer(), server_default='0', nullable=False),
    sa.Column('first_timestamp', sa.DateTime(), nullable=True),
    sa.Column('last_timestamp', sa.DateTime(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('data_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data_group', sa.String(length=60), nullable=False),
    sa.Column('data_type', sa.String(length=60), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('json_schema', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('auto_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('published', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('queryable', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('realtime', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('max_age_expected', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_written_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_data_sets_service_id_services'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_sets')),
    sa.UniqueConstraint('data_group', 'data_type', name='uq_data_sets_name')
    )
    with op.batch_alter_table('data_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_sets_service_id'), ['service_id'], unique=False)

    op.create_table('records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('data_set_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=400), nullable=False),
    sa.Column('timestamp', sa.DateTime(), nullable=True),
    sa.Column('hour_start_at', sa.DateTime(), nullable=True),
    sa.Column('day_start_at', sa.DateTime(), nullable=True),
    sa.Column('week_start_at', sa.DateTime(), nullable=True),
    sa.Column('month_start_at', sa.DateTime(), nullable=True),
    sa.Column('quarter_start_at', sa.DateTime(), nullable=True),
    sa.Column('year_start_at', sa.DateTime(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['data_set_id'], ['data_sets.id'], name=op.f('fk_records_data_set_id_data_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records')),
    sa.UniqueConstraint('data_set_id', 'record_id', name='uq_records_id')
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_data_set_id_timestamp'), ['data_set_id', 'timestamp'], unique=False)

    op.create_table('write_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data_set_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['data_set_id'], ['data_sets.id'], name=op.f('fk_write_tokens_data_set_id_data_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_write_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_write_tokens_token_hash'))
    )
    with op.batch_alter_table('write_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_write_tokens_data_set_id'), ['data_set_id'], unique=False)



def downgrade():
    with op.batch_alter_table('write_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_write_tokens_data_set_id'))

    op.drop_table('write_tokens')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_data_set_id_timestamp'))

    op.drop_table('records')
    with op.batch_alter_table('data_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_sets_service_id'))

    op.drop_table('data_sets')
    op.drop_table('users')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
