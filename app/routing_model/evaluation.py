"""Metrics of a fitted routing classifier on labelled (evaluation) data."""

from __future__ import annotations

import time
from typing import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from .text import _jieba_tokens
from .threshold import precision_bounds

INTERVAL = 0.95  # two-sided interval of the auto-dispatch precision on the evaluation data


def evaluate(model, texts: Sequence[str], labels: Sequence[str], timing_sample: int = 200) -> dict:
    """Metrics of a fitted model on (evaluation) texts and labels:

    accuracy, macro_f1, top2_accuracy, top3_accuracy; per_domain ({domain: {precision, recall,
    n}}, n = its demands in the data); auto_share (cases whose confidence score ≥ model.threshold;
    the score is ``model.confidence_scores`` when the model has it, else the top probability),
    auto_n, auto_correct and auto_precision (accuracy on those; None when none is
    auto-dispatched) with auto_precision_low / auto_precision_high, its two-sided 95%
    Clopper–Pearson interval; ms_per_demand (mean time
    of one suggestion — top 3 and confidence score — for one demand at a time, over the first
    ``timing_sample`` texts) and cpu_ms_per_demand (the same in CPU time of this process, less
    sensitive to other jobs on a shared machine); n."""
    if isinstance(texts, str):
        raise TypeError("pass a sequence of texts, not a single string")
    texts, y = ["" if t is None else str(t) for t in texts], [str(label) for label in labels]
    if len(texts) != len(y) or not texts:
        raise ValueError("need as many labels as texts, and at least one")
    top = model.predict_top(texts, k=3)
    predicted = [t[0][0] for t in top]
    correct = np.array([p == t for p, t in zip(predicted, y)])
    scored = hasattr(model, "confidence_scores")
    scores = model.confidence_scores(texts) if scored else [t[0][1] for t in top]
    auto = np.array([model.is_auto(float(s)) for s in scores])
    timed = texts[: max(0, timing_sample)]
    _jieba_tokens.cache_clear()  # time the tokenization too, not the cache of the pass above
    start, cpu_start = time.perf_counter(), time.process_time()
    for text in timed:
        if hasattr(model, "suggest"):
            model.suggest(text, k=3)
        else:
            model.predict_top([text], k=3)
    ms = (time.perf_counter() - start) * 1000 / len(timed) if timed else None
    cpu_ms = (time.process_time() - cpu_start) * 1000 / len(timed) if timed else None
    n_auto, n_right = int(auto.sum()), int(correct[auto].sum())
    low, high = precision_bounds(n_right, n_auto, 1 - (1 - INTERVAL) / 2) if n_auto else (None, None)
    return {
        "n": len(texts),
        "top2_accuracy": float(np.mean([t in {label for label, _ in row[:2]} for t, row in zip(y, top)])),
        "per_domain": per_domain(y, predicted),
        "auto_n": n_auto,
        "auto_correct": n_right,
        "auto_precision_low": low,
        "auto_precision_high": high,
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, average="macro", zero_division=0)),
        "top3_accuracy": float(np.mean([t in {label for label, _ in row} for t, row in zip(y, top)])),
        "auto_share": float(auto.mean()),
        "auto_precision": float(correct[auto].mean()) if auto.any() else None,
        "ms_per_demand": ms,
        "cpu_ms_per_demand": cpu_ms,
    }


def per_domain(truth: list[str], predicted: list[str]) -> dict[str, dict]:
    """{domain: {"precision", "recall", "n"}} over the domains in ``truth`` (n: its demands)."""
    domains = sorted(set(truth))
    precision, recall, _, support = precision_recall_fscore_support(
        truth, predicted, labels=domains, zero_division=0)
    return {d: {"precision": float(p), "recall": float(r), "n": int(n)}
            for d, p, r, n in zip(domains, precision, recall, support)}
