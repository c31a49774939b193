"""The Alembic side of the schema: the configuration of `migrations/`, upgrading, and whether a
database is at the newest migration (used by `flask qisu migrate`, auto-deploy and `/readyz`)."""
from __future__ import annotations

from functools import lru_cache

from app.config import ROOT


def alembic_config(url: str):
    from alembic.config import Config
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command
    config = alembic_config(url)
    config.attributes["skip_logging"] = True  # alembic logs through the app's handler: one format
    command.upgrade(config, revision)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration of `migrations/` (one head)."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def schema_is_current(bind) -> bool:
    """Whether the database is at the newest migration (an older schema may lack columns the
    models read, e.g. before `flask qisu migrate` runs on an upgraded installation)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(str(bind.url))).get_heads())
    with bind.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads
