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


def test_an_older_schema_starts_the_app_and_migrates_from_the_cli(tmp_path, monkeypatch):
    """An installation upgraded in place: the app starts on the old schema (no auto-deploy, a
    warning), `flask qisu migrate` brings it to the newest migration, and the next start deploys."""
    from alembic import command

    from app import create_app
    from app.db.migrations import alembic_config
    from app.db.migrations import schema_is_current
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0008")
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app({"DATABASE_URL": url, "QISU_AUTO_DEPLOY": True})   # not TESTING: auto-deploys
    engine = create_engine(url)
    assert not schema_is_current(engine)
    result = app.test_cli_runner().invoke(args=["qisu", "migrate"])
    assert result.exit_code == 0, result.output
    assert schema_is_current(engine)
    create_app({"DATABASE_URL": url, "QISU_AUTO_DEPLOY": True})
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from deployments").scalar() == 1
    engine.dispose()
