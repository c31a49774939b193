"""The auto-dispatch threshold: the lowest confidence score whose auto-dispatched cases keep a
target precision with 95% confidence (a lower confidence bound of the out-of-fold precision, not
the point estimate: issue 22), and the out-of-fold predictions it is chosen on (training data
only)."""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from .confidence import proba_and_confidence, score_from_bases


CONFIDENCE_LEVEL = 0.95  # the promise: precision ≥ target with this confidence


def precision_bounds(correct: int, n: int, confidence_level: float = CONFIDENCE_LEVEL) -> tuple[float, float]:
    """One-sided Clopper–Pearson (exact binomial) bounds of a precision of ``correct`` right out of
    ``n``: the true precision is ≥ the first with probability ``confidence_level``, and ≤ the
    second with the same probability (together, a two-sided interval at 2·level − 1)."""
    from scipy.stats import beta
    if n <= 0:
        return 0.0, 1.0
    alpha = 1.0 - confidence_level
    lower = 0.0 if correct <= 0 else float(beta.ppf(alpha, correct, n - correct + 1))
    upper = 1.0 if correct >= n else float(beta.ppf(1.0 - alpha, correct + 1, n - correct))
    return lower, upper


def lowest_threshold_for_precision(confidences, correct, target_precision: float,
                                   confidence_level: float | None = None) -> tuple[float, float, float]:
    """The lowest threshold t such that the cases with confidence ≥ t are correct with a precision
    ≥ ``target_precision`` — the point estimate, or with ``confidence_level`` (e.g. 0.95) its lower
    confidence bound (``precision_bounds``), so that the precision on unseen demands stays ≥ the
    target with that confidence. Returns (threshold, share of cases auto-dispatched, their
    precision). Cases with equal confidence are kept together. When no threshold reaches the
    target the threshold is +inf (nothing is dispatched automatically) and share and precision
    are 0.0."""
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if conf.shape != ok.shape or conf.ndim != 1:
        raise ValueError("confidences and correct must be 1-D and of the same length")
    if conf.size == 0:
        return math.inf, 0.0, 0.0
    order = np.argsort(-conf, kind="stable")
    conf_sorted, ok_sorted = conf[order], ok[order]
    right = np.cumsum(ok_sorted)
    counts = np.arange(1, conf.size + 1)
    cum_precision = right / counts
    reached = cum_precision >= target_precision
    if confidence_level is not None:
        from scipy.stats import beta
        lower = np.where(right > 0, beta.ppf(1.0 - confidence_level, np.maximum(right, 1),
                                             counts - right + 1), 0.0)
        reached = lower >= target_precision
    # a cut after position i is valid only where the next confidence is strictly lower (ties together)
    boundary = np.append(conf_sorted[1:] < conf_sorted[:-1], True)
    valid = np.where(boundary & reached)[0]
    if valid.size == 0:
        return math.inf, 0.0, 0.0
    last = int(valid.max())
    return float(conf_sorted[last]), (last + 1) / conf.size, float(cum_precision[last])


def out_of_fold(estimator, texts: list[str], y: np.ndarray, n_splits: int = 5,
                random_state: int = 0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray] | None]:
    """Cross-validated (probabilities, confidence scores, base models' probabilities) of
    ``estimator`` on ``texts``: a fresh clone is fitted on each training fold and predicts its
    held-out fold. Probability columns follow ``np.unique(y)``. The third item is None unless the
    estimator is an ensemble (``base_probas``); the scores are the ones without a learned scorer.
    ``estimator`` itself is neither fitted nor changed."""
    classes = np.unique(y)
    proba = np.zeros((len(texts), classes.size))
    score = np.zeros(len(texts))
    bases: list[np.ndarray] | None = None
    cv = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    for train, test in cv.split(np.zeros(len(texts)), y):
        fold = clone(estimator).fit([texts[i] for i in train], y[train])
        columns = np.searchsorted(classes, fold.classes_)
        fold_texts = [texts[i] for i in test]
        if hasattr(fold, "base_probas"):  # an ensemble: its base models predict once
            fold_bases = fold.base_probas(fold_texts)
            p = np.mean(fold_bases, axis=0)
            s = score_from_bases(fold_bases, None, fold.require_agreement)
            if bases is None:
                bases = [np.zeros_like(proba) for _ in fold_bases]
            for whole, part in zip(bases, fold_bases):
                whole[np.ix_(test, columns)] = part
        else:
            p, s = proba_and_confidence(fold, fold_texts)
        proba[np.ix_(test, columns)] = p
        score[test] = s
    return proba, score, bases
