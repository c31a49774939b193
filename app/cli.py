"""Operations as `flask qisu ...` commands."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .config import ROOT

qisu = AppGroup("qisu", help="QiSu operations: migrate, deploy, seed, users, messages.")


def alembic_config(url: str):
    from alembic.config import Config
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


@qisu.command("migrate")
def migrate() -> None:
    """Upgrade the database schema to the newest migration (alembic upgrade head)."""
    from alembic import command
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), "head")
    click.echo("database at head")


@qisu.command("deploy")
@click.option("--path", default=None, help="workflows directory (default QISU_WORKFLOWS_DIR)")
def deploy(path: str | None) -> None:
    """Deploy the BPMN/DMN/form files as a new version if anything changed."""
    from .services.deployments import deploy_directory
    deployment, created = deploy_directory(current_app.extensions["qisu"],
                                           path or current_app.config["QISU_WORKFLOWS_DIR"])
    click.echo(f"deployment {deployment.id} {'created' if created else 'unchanged'}")


@qisu.command("seed")
def seed() -> None:
    """Load the demo data (units, enterprises, users for every role); idempotent."""
    from . import demo_data
    from .services.seed import seed_demo
    counts = seed_demo(current_app.extensions["qisu"])
    click.echo(f"seeded {counts}")
    click.echo("demo users (password = qisu-<username>):")
    for user in demo_data.USERS:
        click.echo(f"  {user['username']:<12} {user['role']:<11} {user['password']}")


@qisu.command("fire-timers")
def fire_timers() -> None:
    """Fire every timer that is due now, once, and exit (for cron-style operation)."""
    from .services.timers import fire_due
    click.echo(f"fired {fire_due(current_app.extensions['qisu'])}")


@qisu.command("send-messages")
def send_messages() -> None:
    """Send pending outbox messages with the configured sender (default: log)."""
    from .services.messages import LogSender, deliver_pending
    click.echo(f"sent {deliver_pending(current_app.extensions['qisu'], LogSender())}")


@qisu.command("worker")
@click.option("--poll", default=None, type=float,
              help="longest sleep between rounds in seconds (default QISU_TIMER_POLL_SECONDS)")
def worker(poll: float | None) -> None:
    """Run the background worker until interrupted: fire due timers, deliver the outbox."""
    import signal
    import threading

    from .worker import run_forever
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        run_forever(current_app.extensions["qisu"], stop,
                    poll or current_app.config["QISU_TIMER_POLL_SECONDS"])
    except KeyboardInterrupt:
        stop.set()


@qisu.command("generate-history")
@click.option("--cases", "count", type=click.IntRange(1, 20_000_000), required=True,
              help="how many cases to create")
@click.option("--days", type=click.IntRange(7, 3650), default=365, show_default=True,
              help="spread over this many days up to now")
@click.option("--seed", type=int, default=0, show_default=True, help="random seed")
@click.option("--if-empty", is_flag=True, help="do nothing when synthetic history exists already")
def generate_history(count: int, days: int, seed: int, if_empty: bool) -> None:
    """Create realistic synthetic case history (P18 insight demo and benchmark)."""
    from .services.insight.history import generate, has_history
    rt = current_app.extensions["qisu"]
    if if_empty and has_history(rt):
        click.echo("history exists already; nothing generated")
        return
    result = generate(rt, count, days=days, seed=seed, echo=click.echo)
    click.echo(f"generated {result['cases']:,} cases ({result['returns']:,} returns, "
               f"{result['enterprises']:,} enterprises) in {result['seconds']} s")
