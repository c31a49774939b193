"""The `flask qisu` group and what its area modules share."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

qisu = AppGroup("qisu", help="QiSu operations: migrate, deploy, seed, worker, user, routing, insight, demo.")


def service_call(fn, *args, **kwargs):
    """Call a service with the app's runtime; its DomainError becomes a clear click error."""
    from ..domain.errors import DomainError
    try:
        return fn(current_app.extensions["qisu"], *args, **kwargs)
    except DomainError as err:
        raise click.ClickException(err.describe()) from None
