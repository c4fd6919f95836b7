"""Run the alembic migrations on a connection (the schema is never created any other way)."""
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from data_access.db import PROJECT_ROOT


def upgrade(conn: Connection, revision: str = "head") -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "data_access" / "migrations"))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)
