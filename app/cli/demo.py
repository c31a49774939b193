"""`flask qisu demo-cases`: live demo cases in every state (make run)."""
from __future__ import annotations

import click
from flask import current_app

from .base import qisu, service_call


@qisu.command("demo-cases")
@click.option("--if-empty", is_flag=True, help="do nothing when live cases exist already (demo set-up)")
def demo_cases(if_empty: bool) -> None:
    """Create live demo cases in every state (needs `seed` and `deploy` first)."""
    from ..demo.cases import create_demo_cases, has_live_cases
    rt = current_app.extensions["qisu"]
    if if_empty and has_live_cases(rt):
        click.echo("live cases exist already; no demo cases created")
        return
    result = service_call(create_demo_cases)
    click.echo(f"created {result['cases']} demo cases ({', '.join(result['numbers'])}); "
               f"{result['timers_fired']} timers were due and fired")
    for problem in result["problems"]:
        click.echo(f"warning: a demo case stopped early: {problem}", err=True)
