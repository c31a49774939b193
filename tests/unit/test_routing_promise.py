"""Issue 22 §1: the auto-dispatch threshold keeps its promise — precision ≥ the target with 95%
confidence (a lower confidence bound, not the point estimate) — and the audit is compared with it."""
from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest

from app.routing_model import lowest_threshold_for_precision
from app.routing_model.promise import BROKEN, KEPT, WATCH, audit_verdict, promise_of
from app.routing_model.threshold import precision_bounds


def test_bounds_are_the_exact_binomial_ones():
    low, high = precision_bounds(97, 100, 0.95)
    exact = binomtest(97, 100).proportion_ci(confidence_level=0.90, method="exact")
    assert low == pytest.approx(exact.low) and high == pytest.approx(exact.high)
    assert precision_bounds(0, 10) [0] == 0.0 and precision_bounds(10, 10)[1] == 1.0
    # all right: the lower bound is 0.05 ** (1/n) — 99 cases are needed before it reaches 0.97
    assert precision_bounds(98, 98)[0] < 0.97 <= precision_bounds(99, 99)[0]


def test_the_bound_asks_for_more_evidence_than_the_point_estimate():
    # 2,000 cases by descending confidence: 1 in 100 wrong among the first 1,000, 1 in 10 after
    conf = [1 - i / 10_000 for i in range(2000)]
    ok = [i % (100 if i < 1000 else 10) != 99 % (100 if i < 1000 else 10) for i in range(2000)]
    point = lowest_threshold_for_precision(conf, ok, 0.97)
    bounded = lowest_threshold_for_precision(conf, ok, 0.97, confidence_level=0.95)
    assert point[2] >= 0.97 and bounded[2] >= 0.97
    assert bounded[0] > point[0] and bounded[1] < point[1]  # fewer dispatched automatically
    n = round(bounded[1] * 2000)
    assert precision_bounds(sum(ok[:n]), n)[0] >= 0.97  # the promise holds where it cuts
    assert all(precision_bounds(sum(ok[:m]), m)[0] < 0.97 for m in range(n + 1, 2001))


def test_too_little_evidence_dispatches_nothing_automatically():
    assert lowest_threshold_for_precision([0.9] * 50, [True] * 50, 0.97, 0.95) == (math.inf, 0.0, 0.0)
    assert lowest_threshold_for_precision([0.9] * 50, [True] * 50, 0.97)[1] == 1.0


def test_the_promise_comes_from_the_training_metrics_unless_the_threshold_was_set_by_hand():
    metrics = {"target_precision": 0.97, "confidence_level": 0.95, "cv_auto_precision": 0.981,
               "cv_precision_low": 0.972, "cv_precision_high": 0.988, "cv_auto_n": 1600}
    assert promise_of(metrics) == {"target": 0.97, "confidence_level": 0.95, "precision": 0.981,
                                   "low": 0.972, "high": 0.988, "n": 1600}
    assert promise_of(metrics | {"threshold_source": "manual"}) is None
    assert promise_of({"cv_auto_precision": 0.97}) is None  # trained before issue 22


def test_the_audit_keeps_or_breaks_the_promise():
    assert audit_verdict(0.97, {"precision": 0.98, "ci_low": 0.9, "ci_high": 0.99}) == KEPT
    assert audit_verdict(0.97, {"precision": 0.95, "ci_low": 0.85, "ci_high": 0.99}) == WATCH
    assert audit_verdict(0.97, {"precision": 0.90, "ci_low": 0.85, "ci_high": 0.94}) == BROKEN
    assert audit_verdict(0.97, {"precision": None}) is None
    assert audit_verdict(None, {"precision": 0.5, "ci_low": 0.1, "ci_high": 0.6}) is None
