"""Operations: schema, deployment, demo data, timers, outbox, worker."""
from __future__ import annotations

import click
from flask import current_app

from ..db.migrations import upgrade
from .base import qisu, service_call


@qisu.command("migrate")
def migrate() -> None:
    """Upgrade the database schema to the newest migration (alembic upgrade head)."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database at head")


@qisu.command("deploy")
@click.option("--path", default=None, help="workflows directory (default QISU_WORKFLOWS_DIR)")
def deploy(path: str | None) -> None:
    """Deploy the BPMN/DMN/form files as a new version if anything changed."""
    from ..services.deployments import deploy_directory
    deployment, created = deploy_directory(current_app.extensions["qisu"],
                                           path or current_app.config["QISU_WORKFLOWS_DIR"])
    click.echo(f"deployment {deployment.id} {'created' if created else 'unchanged'}")


@qisu.command("seed")
def seed() -> None:
    """Load the demo data (units, enterprises, users for every role); idempotent."""
    from ..demo import data as demo_data
    from ..demo.seed import seed_demo
    counts = seed_demo(current_app.extensions["qisu"])
    click.echo(f"seeded {counts}")
    click.echo("demo users (password = qisu-<username>):")
    for user in demo_data.USERS:
        click.echo(f"  {user['username']:<12} {user['role']:<11} {user['password']}")


@qisu.command("fire-timers")
def fire_timers() -> None:
    """Fire every timer that is due now, once, and exit (for cron-style operation)."""
    from ..services.timers import fire_due
    click.echo(f"fired {fire_due(current_app.extensions['qisu'])}")


@qisu.command("faulted-timers")
def faulted_timers() -> None:
    """List the timers whose process failed (e.g. a script past the sandbox limits), and why."""
    from ..services.timers import faulted_timers as listed
    rows = service_call(listed)
    for row in rows:
        click.echo(f"{row['case']}  {row['timer']}  due {row['due_at']}  {row['reason']}")
    click.echo(f"{len(rows)} faulted timer(s)")


@qisu.command("retry-timers")
@click.argument("number")
def retry_timers(number: str) -> None:
    """Make the faulted timers of case NUMBER waiting again (after the cause was fixed)."""
    from ..services.timers import retry_faulted
    click.echo(f"{service_call(retry_faulted, number)} timer(s) of {number} waiting again")


@qisu.command("send-messages")
def send_messages() -> None:
    """Send pending outbox messages with the configured sender (default: log)."""
    from ..services.messages import LogSender, deliver_pending
    click.echo(f"sent {deliver_pending(current_app.extensions['qisu'], LogSender())}")


@qisu.command("purge-idempotency-keys")
@click.option("--hours", default=None, type=int,
              help="keep keys younger than this (default QISU_IDEMPOTENCY_TTL_HOURS, 24)")
def purge_idempotency_keys(hours: int | None) -> None:
    """Delete stored Idempotency-Key results older than the retention (the worker does it hourly)."""
    from ..services.idempotency import purge
    click.echo(f"purged {purge(current_app.extensions['qisu'], hours)} idempotency keys")


@qisu.command("worker")
@click.option("--poll", default=None, type=float,
              help="longest sleep between rounds in seconds (default QISU_TIMER_POLL_SECONDS)")
@click.option("--metrics-port", default=None, type=int, envvar="QISU_WORKER_METRICS_PORT",
              help="serve this worker's Prometheus metrics on this port (timers fired, lateness)")
@click.option("--metrics-addr", default="127.0.0.1", envvar="QISU_WORKER_METRICS_ADDR",
              help="address the worker's metrics listen on (default loopback only)")
def worker(poll: float | None, metrics_port: int | None, metrics_addr: str) -> None:
    """Run the background worker until interrupted: fire due timers, deliver the outbox."""
    import signal
    import threading

    from ..worker import run_forever
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if metrics_port:
        from prometheus_client import start_http_server
        start_http_server(metrics_port, addr=metrics_addr)
    try:
        run_forever(current_app.extensions["qisu"], stop,
                    poll or current_app.config["QISU_TIMER_POLL_SECONDS"])
    except KeyboardInterrupt:
        stop.set()
