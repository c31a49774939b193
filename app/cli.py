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


@qisu.group("insight")
def insight() -> None:
    """P18 insight: common problems and surge alerts."""


@insight.command("surges")
@click.option("--list", "show", is_flag=True, help="also list the open alerts")
def insight_surges(show: bool) -> None:
    """Run the surge detection once at the current time (store alerts, notify supervisors)."""
    from .services.insight.surges import list_alerts, run_detection
    rt = current_app.extensions["qisu"]
    click.echo(f"new surge alerts: {run_detection(rt)}")
    if show:
        for alert in list_alerts(rt, "open"):
            click.echo(f"  #{alert['id']} {alert['day']} {alert['label']}: {alert['observed']} "
                       f"(expected {alert['expected']:.1f}, p={alert['p_value']:.1e})")


@insight.command("common-problems")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366),
              help="the period: the last DAYS days")
@click.option("--town", default=None)
@click.option("--domain", default=None)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
def insight_common_problems(days: int, town: str | None, domain: str | None, limit: int) -> None:
    """Print the common problems (共性问题) of the last DAYS days, largest group first."""
    from datetime import timedelta

    from .services.insight.common_problems import ProblemQuery, common_problems
    rt = current_app.extensions["qisu"]
    now = rt.clock.now()
    result = common_problems(rt, ProblemQuery(start=now - timedelta(days=days), end=now,
                                              town=town, domain=domain, limit=limit))
    click.echo(result["note"])
    for group in result["groups"]:
        click.echo(f"{group['rank']:>3}. {group['count']} 件 / {group['enterprise_count']} 家企业 "
                   f"[{'、'.join(group['keywords'])}] {group['title']} "
                   f"({'、'.join(group['towns'])})")
