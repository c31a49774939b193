"""`flask qisu apikey …`: API keys of third-party apps (Open311 GeoReport v2)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .base import qisu, service_call

apikey_cli = AppGroup("apikey", help="API keys of third-party apps (Open311 GeoReport v2).")
qisu.add_command(apikey_cli)


@apikey_cli.command("create")
@click.option("--name", required=True, help="the application's name (one api_client user each)")
def apikey_create(name) -> None:
    """Create a key; it is printed once and only its hash is stored."""
    from ..services.api_keys import create_key
    result = service_call(create_key, name)
    click.echo(f"api key {result['id']} for {result['name']} (user {result['user']}):")
    click.echo(result["key"])
    click.echo("store it now: it cannot be shown again")


@apikey_cli.command("list")
def apikey_list() -> None:
    """Every key with its application, creation, last use and revocation."""
    from ..services.api_keys import list_keys
    for k in service_call(list_keys):
        state = f"revoked {k['revoked_at']}" if k["revoked_at"] else "active"
        click.echo(f"{k['id']:>4}  {k['name']}  user {k['user']}  created {k['created_at']}  "
                   f"last used {k['last_used_at'] or '—'}  {state}")


@apikey_cli.command("revoke")
@click.argument("key_id", type=int)
def apikey_revoke(key_id) -> None:
    """Revoke a key at once: requests with it are refused (403)."""
    from ..services.api_keys import revoke_key
    result = service_call(revoke_key, key_id)
    click.echo(f"api key {result['id']} ({result['name']}) revoked at {result['revoked_at']}")
