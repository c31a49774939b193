"""Plain-text reports of `flask qisu routing train` and `eval`: what a hotline centre decides by
(issue 22 §3) — the promise of the threshold, and the figures on labelled demands."""
from __future__ import annotations

VERDICTS = {"kept": "kept: the precision measured here reaches the target",
            "watch": "BELOW the target, but these demands cannot tell yet (the interval reaches it)",
            "broken": "ALERT: below the promise (the whole 95% interval is under the target)"}


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


def promise_line(promise: dict | None) -> str:
    if not promise:
        return "promise: none (a manual threshold, or a model trained before confidence bounds)"
    return (f"promise: precision ≥ {promise['target']:.1%} on unseen demands with "
            f"{promise['confidence_level']:.0%} confidence (cross-validated {_pct(promise['precision'])}, "
            f"interval {_pct(promise['low'])}–{_pct(promise['high'])} over {promise['n']} automatic dispatches)")


def train_report(result: dict) -> list[str]:
    threshold = result["threshold"]
    shown = "∞ (nothing is dispatched automatically)" if threshold == float("inf") else f"{threshold:.3f}"
    return [f"model version {result['version']} ({result['config']}, {result['n_samples']} examples "
            f"from {result['source']}){', active' if result['active'] else ''}",
            f"threshold {shown}: cross-validated auto-dispatch {_pct(result['cv_auto_share'])} "
            f"at precision {_pct(result['cv_auto_precision'])}",
            promise_line(result.get("promise"))]


def eval_report(m: dict) -> list[str]:
    lines = [f"model version {m['version']} ({m['config']}) on {m['n']} demands",
             f"accuracy           {m['accuracy']:.3f}",
             f"macro-F1           {m['macro_f1']:.3f}",
             f"top-2 accuracy     {m['top2_accuracy']:.3f}",
             f"top-3 accuracy     {m['top3_accuracy']:.3f}",
             f"auto-dispatched    {_pct(m['auto_share'])} ({m['auto_n']} of {m['n']}) at threshold "
             f"{m['threshold']:.3f}",
             f"  precision        {_pct(m['auto_precision'])} ({m['auto_correct']} right), 95% interval "
             f"{_pct(m['auto_precision_low'])}–{_pct(m['auto_precision_high'])}",
             f"  {promise_line(m.get('promise'))}"]
    if m.get("promise_verdict"):
        lines.append(f"  {VERDICTS[m['promise_verdict']]}")
    lines.append(f"CPU ms per demand  {m['cpu_ms_per_demand']:.1f} (wall {m['ms_per_demand']:.1f})")
    lines.append(f"per domain         {'precision':>9} {'recall':>7} {'demands':>8}")
    for domain, row in m["per_domain"].items():
        lines.append(f"  {domain:<16}{row['precision']:>9.3f} {row['recall']:>7.3f} {row['n']:>8}")
    return lines
