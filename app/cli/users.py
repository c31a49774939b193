"""`flask qisu user …`: end a user's sessions, disable or enable a user, set a password."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .base import qisu, service_call

user_cli = AppGroup("user", help="Users: revoke sessions, disable, enable, set a password.")
qisu.add_command(user_cli)


@user_cli.command("revoke-sessions")
@click.argument("username")
def user_revoke_sessions(username) -> None:
    """End every bearer token and browser session of USERNAME at once (all processes)."""
    from ..services.auth import revoke_all
    ended = service_call(revoke_all, username)
    click.echo(f"{username}: {ended} session(s) and token(s) ended")


@user_cli.command("disable")
@click.argument("username")
def user_disable(username) -> None:
    """Disable USERNAME: no login, and every token and session ends at once."""
    from ..services.auth import set_active
    ended = service_call(set_active, username, False)
    click.echo(f"{username} disabled; {ended} session(s) and token(s) ended")


@user_cli.command("enable")
@click.argument("username")
def user_enable(username) -> None:
    """Enable USERNAME again (the ended sessions stay ended: the user logs in anew)."""
    from ..services.auth import set_active
    service_call(set_active, username, True)
    click.echo(f"{username} enabled")


@user_cli.command("set-password")
@click.argument("username")
@click.password_option("--password", help="the new password (8–200 characters); prompted if left out")
def user_set_password(username, password) -> None:
    """Set USERNAME's password; every token and session of the user ends at once."""
    from ..services.auth import set_password
    ended = service_call(set_password, username, password)
    click.echo(f"{username}: password set; {ended} session(s) and token(s) ended")
