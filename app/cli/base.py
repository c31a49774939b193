"""The `flask qisu` group and what its area modules share."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..config import ROOT

qisu = AppGroup("qisu", help="QiSu operations: migrate, deploy, seed, worker, user, routing, insight, demo.")


def alembic_config(url: str):
    from alembic.config import Config
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def service_call(fn, *args, **kwargs):
    """Call a service with the app's runtime; its DomainError becomes a clear click error."""
    from ..domain.errors import DomainError
    try:
        return fn(current_app.extensions["qisu"], *args, **kwargs)
    except DomainError as err:
        raise click.ClickException(err.describe()) from None
