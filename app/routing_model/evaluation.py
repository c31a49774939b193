"""Metrics of a fitted routing classifier on labelled (evaluation) data."""

from __future__ import annotations

import time
from typing import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from .text import _jieba_tokens


def evaluate(model, texts: Sequence[str], labels: Sequence[str], timing_sample: int = 200) -> dict:
    """Metrics of a fitted model on (evaluation) texts and labels:

    accuracy, macro_f1, top3_accuracy; auto_share (cases whose confidence score ≥ model.threshold;
    the score is ``model.confidence_scores`` when the model has it, else the top probability) and
    auto_precision (accuracy on those; None when none is auto-dispatched); ms_per_demand (mean time
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
    return {
        "n": len(texts),
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, average="macro", zero_division=0)),
        "top3_accuracy": float(np.mean([t in {label for label, _ in row} for t, row in zip(y, top)])),
        "auto_share": float(auto.mean()),
        "auto_precision": float(correct[auto].mean()) if auto.any() else None,
        "ms_per_demand": ms,
        "cpu_ms_per_demand": cpu_ms,
    }
