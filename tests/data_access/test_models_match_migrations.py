"""The models (data_access.schema) are what the migrations build, on SQLite and PostgreSQL: alembic's
comparison of the metadata with a database migrated from empty finds no difference (tables, columns
and their types, indexes, constraints); and what it leaves out, which the index's order relies on (an
index column's direction on SQLite, a column's collation), is the same in a database the models create.
"""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from data_access.schema import metadata
from tests.conftest import empty_database, migrated_database


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_migrated_from_empty_is_the_models(kind, tmp_path, monkeypatch):
    with migrated_database(kind, "pp_models", tmp_path, monkeypatch) as engine:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "compare_server_default": False})
            differences = compare_metadata(context, metadata)
    assert differences == []


def catalog(conn) -> dict:
    """Each index's columns in order with their direction and collation, and each column's collation."""
    if conn.dialect.name == "postgresql":
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        indexes = {name: definition.replace(f"{schema}.", "") for name, definition in conn.execute(text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = current_schema()"))}
        collations = set(conn.execute(text(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND collation_name IS NOT NULL")).all())
        return {"indexes": indexes, "collations": collations}
    names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'")).scalars().all()
    return {"indexes": {name: [tuple(row[2:5]) for row in conn.exec_driver_sql(f'PRAGMA index_xinfo("{name}")')
                               if row[5]] for name in names}}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migrations_order_and_collate_as_the_models(kind, tmp_path, monkeypatch):
    with migrated_database(kind, "pp_models", tmp_path, monkeypatch) as engine:
        with engine.connect() as conn:
            migrated = catalog(conn)
    with empty_database(kind, "pp_models_created", tmp_path) as url:
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                metadata.create_all(conn)
                created = catalog(conn)
        finally:
            engine.dispose()
    migrated["indexes"] = {name: value for name, value in migrated["indexes"].items() if "alembic_version" not in name}
    assert migrated == created
    if kind == "postgresql":
        assert {("services", "name_key", "C"), ("service_period_totals", "name_key", "C")} <= migrated["collations"]
