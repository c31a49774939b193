"""Confidence scores for automatic dispatch, and the ensemble that computes them.

A single pipeline's confidence is its top probability (format /1 models, the older configs).
``AgreementEnsemble`` averages the probabilities of diverse base models. Its confidence is either

* the margin between the two most likely domains of the average, or
* with a fitted *scorer* (``DomainClassifier.choose_threshold`` learns one from out-of-fold
  predictions on the training data), the probability that the ensemble's first domain is right,
  given by a logistic regression over ``meta_features`` (margins, top probabilities and how many
  base models agree);

and with ``require_agreement`` it is 0 unless every base model puts the same domain first.
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


def meta_features(probas: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(features, all agree) of the base models' probabilities, for the confidence scorer: the
    margin, top probability and entropy of the mean; the share of base models whose first domain
    is the mean's; per base model, its probability of the mean's first domain and its margin."""
    mean = np.mean(probas, axis=0)
    top = mean.argmax(axis=1)
    rows = np.arange(len(top))
    agree = np.array([p.argmax(axis=1) == top for p in probas])
    columns = [top_margin(mean), mean.max(axis=1), agree.mean(axis=0),
               -(mean * np.log(mean + 1e-12)).sum(axis=1)]
    for p in probas:
        columns += [p[rows, top], top_margin(p)]
    return np.column_stack(columns), agree.all(axis=0)


def proba_and_confidence(estimator, texts, scorer=None) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, confidence score) of a fitted estimator: its own score when it has one
    (with ``scorer`` when given), else the top probability."""
    if hasattr(estimator, "proba_and_confidence"):
        return estimator.proba_and_confidence(texts, scorer=scorer)
    proba = estimator.predict_proba(texts)
    return proba, proba.max(axis=1)


def score_from_bases(probas: list[np.ndarray], scorer=None, require_agreement: bool = False) -> np.ndarray:
    """The confidence score of the mean of ``probas``: the scorer's probability of being right when
    a fitted ``scorer`` is given, else the top-1 − top-2 margin; 0 where the base models disagree
    on the first domain if ``require_agreement``."""
    features, agree = meta_features(probas)
    score = scorer.predict_proba(features)[:, 1] if scorer is not None else features[:, 0]
    return np.where(agree, score, 0.0) if require_agreement else score


class AgreementEnsemble(ClassifierMixin, BaseEstimator):
    """Soft-voting ensemble of text classifiers with a confidence score for automatic dispatch.

    ``estimators``: list of (name, estimator), each with ``predict_proba``; all are fitted on the
    same data. ``predict_proba`` is the mean of theirs. ``scorer``: an unfitted classifier template
    (e.g. ``LogisticRegression``) that ``DomainClassifier.choose_threshold`` fits on out-of-fold
    ``meta_features``; ``require_agreement``: score 0 when the base models disagree."""

    def __init__(self, estimators, scorer=None, require_agreement: bool = True):
        self.estimators = estimators
        self.scorer = scorer
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

    def base_probas(self, X) -> list[np.ndarray]:
        return [model.predict_proba(X) for _, model in self.estimators_]

    def predict_proba(self, X) -> np.ndarray:
        return np.mean(self.base_probas(X), axis=0)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def proba_and_confidence(self, X, scorer=None) -> tuple[np.ndarray, np.ndarray]:
        probas = self.base_probas(X)
        return np.mean(probas, axis=0), score_from_bases(probas, scorer, self.require_agreement)
