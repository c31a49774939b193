"""What a model version promises about automatic dispatch, and whether the audit keeps it (issue 22).

The promise is made at training: the threshold is the lowest confidence score whose
cross-validated automatic dispatches keep precision ≥ the target (0.97) with 95% confidence (the
one-sided Clopper–Pearson lower bound, ``threshold.lowest_threshold_for_precision``). The sample
audit (分拨抽检) measures the live precision with a 95% Wilson interval; this module compares the
two. Plain Python: no scikit-learn (the models page imports it).
"""
from __future__ import annotations

# verdicts of ``audit_verdict``
KEPT = "kept"          # the audit's precision reaches the target
WATCH = "watch"        # below the target, but the sample cannot tell yet (interval reaches it)
BROKEN = "broken"      # below the target with 95% confidence (interval's upper end under it)
UNKNOWN = None         # nothing judged yet, or a model without a promise


def promise_of(metrics: dict | None) -> dict | None:
    """{"target", "confidence_level", "precision", "low", "high", "n"} of a stored model's
    training metrics, or None for a model trained before issue 22 (point estimate only) or whose
    threshold an administrator set by hand."""
    metrics = metrics or {}
    if metrics.get("threshold_source") == "manual":  # an administrator's threshold promises nothing
        return None
    if metrics.get("cv_precision_low") is None or not metrics.get("confidence_level"):
        return None
    return {"target": metrics.get("target_precision"), "confidence_level": metrics["confidence_level"],
            "precision": metrics.get("cv_auto_precision"), "low": metrics["cv_precision_low"],
            "high": metrics.get("cv_precision_high"), "n": metrics.get("cv_auto_n")}


def audit_verdict(target: float | None, audit: dict | None) -> str | None:
    """KEPT, WATCH or BROKEN: how the audited precision (``audit``: precision, ci_low, ci_high
    of the judged sample) compares with the promised ``target`` precision."""
    if target is None or not audit or audit.get("precision") is None:
        return UNKNOWN
    if audit["precision"] >= target:
        return KEPT
    if audit.get("ci_high") is not None and audit["ci_high"] < target:
        return BROKEN
    return WATCH
