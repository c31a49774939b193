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


@qisu.command("purge-idempotency-keys")
@click.option("--hours", default=None, type=int,
              help="keep keys younger than this (default QISU_IDEMPOTENCY_TTL_HOURS, 24)")
def purge_idempotency_keys(hours: int | None) -> None:
    """Delete stored Idempotency-Key results older than the retention (the worker does it hourly)."""
    from .services.idempotency import purge
    click.echo(f"purged {purge(current_app.extensions['qisu'], hours)} idempotency keys")


@qisu.command("worker")
@click.option("--poll", default=None, type=float,
              help="longest sleep between rounds in seconds (default QISU_TIMER_POLL_SECONDS)")
@click.option("--metrics-port", default=None, type=int, envvar="QISU_WORKER_METRICS_PORT",
              help="serve this worker's Prometheus metrics on this port (timers fired, lateness)")
def worker(poll: float | None, metrics_port: int | None) -> None:
    """Run the background worker until interrupted: fire due timers, deliver the outbox."""
    import signal
    import threading

    from .worker import run_forever
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if metrics_port:
        from prometheus_client import start_http_server
        start_http_server(metrics_port)
    try:
        run_forever(current_app.extensions["qisu"], stop,
                    poll or current_app.config["QISU_TIMER_POLL_SECONDS"])
    except KeyboardInterrupt:
        stop.set()


routing_cli = AppGroup("routing", help="P4 domain classifier: train, review labels, evaluate, activate, list.")
qisu.add_command(routing_cli)


def _routing_call(fn, *args, **kwargs):
    from .domain.errors import DomainError
    try:
        return fn(current_app.extensions["qisu"], *args, **kwargs)
    except DomainError as err:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in (err.fields or {}).items())
        raise click.ClickException(f"{err.message}{' — ' + details if details else ''}") from None


@routing_cli.command("train")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="labelled historical orders, columns text,label")
@click.option("--from-cases", is_flag=True, help="add the closed cases with their final domain")
@click.option("--config", default=None, help="model configuration (default: the chosen one)")
@click.option("--target-precision", default=0.97, show_default=True, type=float,
              help="precision the auto-dispatch threshold must keep in cross-validation")
@click.option("--activate/--no-activate", default=False, help="make the new version active")
@click.option("--if-none", is_flag=True, help="do nothing when a model is already stored (demo set-up)")
def routing_train(csv_path, from_cases, config, target_precision, activate, if_none) -> None:
    """Train a new model version; the threshold is chosen by cross-validation on the data."""
    from .routing_model import DEFAULT_CONFIG
    from .services.routing_models import list_models, train
    if if_none and _routing_call(list_models):
        click.echo("a routing model is already stored; not training")
        return
    click.echo("training… (cross-validation chooses the auto-dispatch threshold)")
    result = _routing_call(train, csv_path, from_cases, config=config or DEFAULT_CONFIG,
                           target_precision=target_precision, activate=activate,
                           created_by="cli")
    click.echo(f"model version {result['version']} ({result['config']}, {result['n_samples']} "
               f"examples from {result['source']}): threshold {result['threshold']:.3f}, "
               f"cross-validated auto-dispatch {result['cv_auto_share']:.1%} at precision "
               f"{result['cv_auto_precision']:.1%}{', active' if result['active'] else ''}")


@routing_cli.command("review")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="labelled historical orders, columns text,label")
@click.option("--from-cases", is_flag=True, help="add the closed cases with their final domain")
@click.option("--config", default=None, help="model configuration (default: the chosen one)")
@click.option("--max-proba", default=0.1, show_default=True, type=float,
              help="list a label when its out-of-fold probability is below this")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0),
              help="rows to print (the --out file holds them all)")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="write the whole list as CSV (ref,label,suggested,label_proba,suggested_proba,text)")
def routing_review(csv_path, from_cases, config, max_proba, limit, out_path) -> None:
    """Training labels to check: the out-of-fold model finds them unlikely and prefers another domain."""
    from .routing_model import DEFAULT_CONFIG
    from .services.routing_review import review_labels, write_review_csv
    click.echo("reviewing… (5-fold cross-validation over the training data)")
    result = _routing_call(review_labels, csv_path, from_cases, config=config or DEFAULT_CONFIG,
                           max_label_proba=max_proba)
    suspects = result["suspects"]
    click.echo(f"{len(suspects)} of {result['n_examples']} labels to check ({' + '.join(result['sources'])}, "
               f"{result['config']}): out-of-fold probability of the label < {max_proba:g} "
               f"and another domain first")
    for row in suspects[:limit]:
        text = " ".join(row["text"].split())
        click.echo(f"  {row['ref']:<20} {row['label']} → {row['suggested']}  "
                   f"p {row['label_proba']:.3f} / {row['suggested_proba']:.3f}  {text[:40]}")
    if len(suspects) > limit:
        click.echo(f"  … {len(suspects) - limit} more{' (all in the --out file)' if out_path else ''}")
    if out_path:
        _routing_call(lambda rt: write_review_csv(out_path, suspects))
        click.echo(f"written: {out_path}")


@routing_cli.command("eval")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--version", type=int, default=None, help="model version (default: the active one)")
def routing_eval(csv_path, version) -> None:
    """Accuracy, macro-F1, top-3 accuracy and auto-dispatch share/precision on a labelled CSV."""
    from .services.routing_models import evaluate_csv
    m = _routing_call(evaluate_csv, csv_path, version)
    precision = "—" if m["auto_precision"] is None else f"{m['auto_precision']:.3f}"
    click.echo(f"model version {m['version']} on {m['n']} demands\n"
               f"accuracy        {m['accuracy']:.3f}\nmacro-F1        {m['macro_f1']:.3f}\n"
               f"top-3 accuracy  {m['top3_accuracy']:.3f}\n"
               f"auto-dispatched {m['auto_share']:.1%} at threshold {m['threshold']:.3f}, "
               f"precision {precision}\nms per demand   {m['ms_per_demand']:.1f}")


@routing_cli.command("activate")
@click.argument("version", type=int)
@click.option("--threshold", type=float, default=None,
              help="override the cross-validated auto-dispatch threshold (recorded)")
def routing_activate(version, threshold) -> None:
    """Make VERSION the model that suggests domains for new cases."""
    from .services.routing_models import activate
    result = _routing_call(activate, version, threshold)
    click.echo(f"model version {result['version']} active, threshold {result['threshold']:.3f}")


@routing_cli.command("list")
def routing_list() -> None:
    """The stored model versions."""
    from .services.routing_models import list_models
    for m in _routing_call(list_models):
        click.echo(f"{'*' if m['active'] else ' '} v{m['version']:<4} {m['config']:<10} "
                   f"{m['n_samples']:>6} examples  threshold {m['threshold']:.3f}  "
                   f"{m['created_at']}  {m['source']}")


apikey_cli = AppGroup("apikey", help="API keys of third-party apps (Open311 GeoReport v2).")
qisu.add_command(apikey_cli)
_service_call = _routing_call  # a service's DomainError becomes a click error


@apikey_cli.command("create")
@click.option("--name", required=True, help="the application's name (one api_client user each)")
def apikey_create(name) -> None:
    """Create a key; it is printed once and only its hash is stored."""
    from .services.api_keys import create_key
    result = _service_call(create_key, name)
    click.echo(f"api key {result['id']} for {result['name']} (user {result['user']}):")
    click.echo(result["key"])
    click.echo("store it now: it cannot be shown again")


@apikey_cli.command("list")
def apikey_list() -> None:
    """Every key with its application, creation, last use and revocation."""
    from .services.api_keys import list_keys
    for k in _service_call(list_keys):
        state = f"revoked {k['revoked_at']}" if k["revoked_at"] else "active"
        click.echo(f"{k['id']:>4}  {k['name']}  user {k['user']}  created {k['created_at']}  "
                   f"last used {k['last_used_at'] or '—'}  {state}")


@apikey_cli.command("revoke")
@click.argument("key_id", type=int)
def apikey_revoke(key_id) -> None:
    """Revoke a key at once: requests with it are refused (403)."""
    from .services.api_keys import revoke_key
    result = _service_call(revoke_key, key_id)
    click.echo(f"api key {result['id']} ({result['name']}) revoked at {result['revoked_at']}")


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


@insight.command("rebuild-rollup")
def insight_rebuild_rollup() -> None:
    """Recompute the insight rollup from the cases (after bulk loads that bypassed the triggers)."""
    import time

    from .services.insight.rollup import rebuild
    started = time.perf_counter()
    result = rebuild(current_app.extensions["qisu"])
    click.echo(f"insight rollup rebuilt: {result['rows']:,} rows in "
               f"{time.perf_counter() - started:.1f} s")


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


@qisu.command("demo-cases")
@click.option("--if-empty", is_flag=True, help="do nothing when live cases exist already (demo set-up)")
def demo_cases(if_empty: bool) -> None:
    """Create live demo cases in every state (needs `seed` and `deploy` first)."""
    from .services.demo_cases import create_demo_cases, has_live_cases
    rt = current_app.extensions["qisu"]
    if if_empty and has_live_cases(rt):
        click.echo("live cases exist already; no demo cases created")
        return
    result = _service_call(lambda runtime: create_demo_cases(runtime))
    click.echo(f"created {result['cases']} demo cases ({', '.join(result['numbers'])}); "
               f"{result['timers_fired']} timers were due and fired")


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
