"""Confidence scores for automatic dispatch, and the ensemble that computes them.

A single pipeline's confidence is its top probability (format /1 models, the older configs).
``AgreementEnsemble`` averages the probabilities of diverse base models; its confidence is the
margin between the two most likely domains of the average, and 0 unless every base model puts the
same domain first: a case on which the models disagree is never dispatched automatically.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone


def top_margin(proba: np.ndarray) -> np.ndarray:
    """Per row, the highest probability minus the second highest."""
    if proba.shape[1] < 2:
        return np.ones(proba.shape[0])
    part = np.partition(proba, proba.shape[1] - 2, axis=1)
    return part[:, -1] - part[:, -2]


def proba_and_confidence(estimator, texts) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, confidence score) of a fitted estimator: its own score when it has one,
    else the top probability."""
    if hasattr(estimator, "proba_and_confidence"):
        return estimator.proba_and_confidence(texts)
    proba = estimator.predict_proba(texts)
    return proba, proba.max(axis=1)


class AgreementEnsemble(ClassifierMixin, BaseEstimator):
    """Soft-voting ensemble of text classifiers with an agreement-gated margin confidence.

    ``estimators``: list of (name, estimator), each with ``predict_proba``; all are fitted on the
    same data. ``predict_proba`` is the (weighted) mean of theirs. ``proba_and_confidence`` also
    returns, per text, the top-1 − top-2 margin of that mean, set to 0 when the base models do not
    all rank the same domain first (``require_agreement``)."""

    def __init__(self, estimators, weights=None, require_agreement: bool = True):
        self.estimators = estimators
        self.weights = weights
        self.require_agreement = require_agreement

    def fit(self, X, y):
        fitted = []
        for name, estimator in self.estimators:
            model = clone(estimator).fit(X, y)
            if fitted and list(model.classes_) != list(fitted[0][1].classes_):
                raise ValueError("base models disagree on the classes")
            fitted.append((name, model))
        self.estimators_ = fitted
        self.classes_ = fitted[0][1].classes_
        return self

    def _weights(self) -> np.ndarray:
        w = np.ones(len(self.estimators_)) if self.weights is None else np.asarray(self.weights, float)
        return w / w.sum()

    def base_probas(self, X) -> list[np.ndarray]:
        return [model.predict_proba(X) for _, model in self.estimators_]

    def predict_proba(self, X) -> np.ndarray:
        return self.proba_and_confidence(X)[0]

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def proba_and_confidence(self, X) -> tuple[np.ndarray, np.ndarray]:
        probas = self.base_probas(X)
        mean = np.tensordot(self._weights(), np.stack(probas), axes=1)
        score = top_margin(mean)
        if self.require_agreement:
            top = mean.argmax(axis=1)
            agree = np.all([p.argmax(axis=1) == top for p in probas], axis=0)
            score = np.where(agree, score, 0.0)
        return mean, score
