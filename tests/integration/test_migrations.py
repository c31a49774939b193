"""Alembic creates the whole schema, and the models and migrations agree (no autogenerate diff)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.db.models import Base


def test_models_and_migrations_agree(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_model_table_exists_after_upgrade(database_url):
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_on_an_empty_sqlite_database(tmp_path):
    from tests.conftest import migrate
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate(url)
    engine = create_engine(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
