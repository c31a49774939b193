"""`flask qisu insight …` (P18) and `generate-history`, the synthetic history behind it."""
from __future__ import annotations

import click
from flask import current_app

from .base import qisu


@qisu.group("insight")
def insight() -> None:
    """P18 insight: common problems and surge alerts."""


@insight.command("surges")
@click.option("--list", "show", is_flag=True, help="also list the open alerts")
def insight_surges(show: bool) -> None:
    """Run the surge detection once at the current time (store alerts, notify supervisors)."""
    from ..services.signals.surges import list_alerts, run_detection
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

    from ..services.insight.rollup import rebuild
    started = time.perf_counter()
    result = rebuild(current_app.extensions["qisu"])
    click.echo(f"insight rollup rebuilt: {result['rows']:,} rows in "
               f"{time.perf_counter() - started:.1f} s")


@insight.command("rebuild-analytics")
def insight_rebuild_analytics() -> None:
    """Recompute the process analytics rollup from the trail (after bulk loads without triggers)."""
    import time

    from ..services.analytics.rollup import rebuild
    started = time.perf_counter()
    rows = rebuild(current_app.extensions["qisu"])
    click.echo(f"analytics rollup rebuilt: {sum(rows.values()):,} rows in "
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

    from ..services.signals.common_problems import ProblemQuery, common_problems
    rt = current_app.extensions["qisu"]
    now = rt.clock.now()
    result = common_problems(rt, ProblemQuery(start=now - timedelta(days=days), end=now,
                                              town=town, domain=domain, limit=limit))
    click.echo(result["note"])
    for group in result["groups"]:
        click.echo(f"{group['rank']:>3}. {group['count']} 件 / {group['enterprise_count']} 家企业 "
                   f"[{'、'.join(group['keywords'])}] {group['title']} "
                   f"({'、'.join(group['towns'])})")


@qisu.command("generate-history")
@click.option("--cases", "count", type=click.IntRange(1, 20_000_000), required=True,
              help="how many cases to create")
@click.option("--days", type=click.IntRange(7, 3650), default=365, show_default=True,
              help="spread over this many days up to now")
@click.option("--seed", type=int, default=0, show_default=True, help="random seed")
@click.option("--if-empty", is_flag=True, help="do nothing when synthetic history exists already")
def generate_history(count: int, days: int, seed: int, if_empty: bool) -> None:
    """Create realistic synthetic case history (P18 insight demo and benchmark)."""
    from ..demo.history import generate, has_history
    rt = current_app.extensions["qisu"]
    if if_empty and has_history(rt):
        click.echo("history exists already; nothing generated")
        return
    result = generate(rt, count, days=days, seed=seed, echo=click.echo,
                      workflows_dir=current_app.config["QISU_WORKFLOWS_DIR"])
    click.echo(f"generated {result['cases']:,} cases ({result['returns']:,} returns, "
               f"{result['enterprises']:,} enterprises) in {result['seconds']} s")
