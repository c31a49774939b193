"""`flask qisu routing …`: the P4 domain classifier — train, review labels, evaluate, activate, list."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .base import qisu, service_call
from .routing_report import eval_report, train_report

routing_cli = AppGroup("routing", help="P4 domain classifier: train, review labels, evaluate, activate, list.")
qisu.add_command(routing_cli)


def training_data(command):
    """--csv, --from-cases and --config: the labelled data a model is trained or reviewed on."""
    command = click.option("--config", default=None,
                           help="model configuration (default: the chosen one)")(command)
    command = click.option("--from-cases", is_flag=True,
                           help="add the closed cases with their final domain")(command)
    return click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False), default=None,
                        help="labelled historical orders, columns text,label")(command)


@routing_cli.command("train")
@training_data
@click.option("--target-precision", default=0.97, show_default=True, type=float,
              help="precision automatic dispatch must keep on unseen demands (95% lower bound, cross-validated)")
@click.option("--activate/--no-activate", default=False, help="make the new version active")
@click.option("--if-none", is_flag=True, help="do nothing when a model is already stored (demo set-up)")
def routing_train(csv_path, from_cases, config, target_precision, activate, if_none) -> None:
    """Train a new model version; the threshold is chosen by cross-validation on the data."""
    from ..routing_model import DEFAULT_CONFIG
    from ..services.routing.model_versions import list_models, train
    if if_none and service_call(list_models):
        click.echo("a routing model is already stored; not training")
        return
    click.echo("training… (cross-validation chooses the auto-dispatch threshold)")
    result = service_call(train, csv_path, from_cases, config=config or DEFAULT_CONFIG,
                          target_precision=target_precision, activate=activate,
                          created_by="cli")
    click.echo("\n".join(train_report(result)))


@routing_cli.command("review")
@training_data
@click.option("--max-proba", default=0.1, show_default=True, type=float,
              help="list a label when its out-of-fold probability is below this")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0),
              help="rows to print (the --out file holds them all)")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="write the whole list as CSV (ref,label,suggested,label_proba,suggested_proba,text)")
def routing_review(csv_path, from_cases, config, max_proba, limit, out_path) -> None:
    """Training labels to check: the out-of-fold model finds them unlikely and prefers another domain."""
    from ..routing_model import DEFAULT_CONFIG
    from ..services.routing.label_review import review_labels, write_review_csv
    click.echo("reviewing… (5-fold cross-validation over the training data)")
    result = service_call(review_labels, csv_path, from_cases, config=config or DEFAULT_CONFIG,
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
        service_call(lambda rt: write_review_csv(out_path, suspects))
        click.echo(f"written: {out_path}")


@routing_cli.command("eval")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--version", type=int, default=None, help="model version (default: the active one)")
def routing_eval(csv_path, version) -> None:
    """Accuracy, macro-F1, top-2/top-3, per-domain precision and recall, auto-dispatch share and
    precision with its interval against the threshold's promise, CPU per demand, on a labelled CSV."""
    from ..services.routing.model_versions import evaluate_csv
    click.echo("\n".join(eval_report(service_call(evaluate_csv, csv_path, version))))


@routing_cli.command("activate")
@click.argument("version", type=int)
@click.option("--threshold", type=float, default=None,
              help="override the cross-validated auto-dispatch threshold (recorded)")
def routing_activate(version, threshold) -> None:
    """Make VERSION the model that suggests domains for new cases."""
    from ..services.routing.model_versions import activate
    result = service_call(activate, version, threshold)
    click.echo(f"model version {result['version']} active, threshold {result['threshold']:.3f}")


@routing_cli.command("list")
def routing_list() -> None:
    """The stored model versions."""
    from ..services.routing.model_versions import list_models
    for m in service_call(list_models):
        click.echo(f"{'*' if m['active'] else ' '} v{m['version']:<4} {m['config']:<10} "
                   f"{m['n_samples']:>6} examples  threshold {m['threshold']:.3f}  "
                   f"{m['created_at']}  {m['source']}")
