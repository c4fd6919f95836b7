"""Alembic environment: migrates the database of DATABASE_URL, or the connection it is given."""
from alembic import context

from data_access.db import get_engine
from data_access.schema import metadata


def run_migrations(connection):
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run_migrations(given)
else:
    with get_engine().begin() as connection:
        run_migrations(connection)
