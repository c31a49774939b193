"""The configurations of the routing classifier (``CONFIGS``), as fresh scikit-learn estimators.

* ``"baseline"`` — TF-IDF of character 1–3-grams (sublinear tf) + LinearSVC, calibrated with
  ``CalibratedClassifierCV`` (sigmoid) so that it has probabilities.
* ``"union_svc"`` — the union of char 1–3-grams, jieba words and char 1–3-grams of the first 40
  characters (title and opening of the message), TF-IDF, the 20,000 features with the highest chi²
  with the label, + LinearSVC calibrated like the baseline.
* ``"stacked"`` — ``StackingClassifier`` of [the chi² union + LinearSVC] and [jieba words +
  ComplementNB] under a logistic regression (the default of format /1).
* ``"stacked3"`` (default) — ``AgreementEnsemble``: the mean of three base models' probabilities —
  the ``union_svc`` pipeline, char 1–3-gram TF-IDF + LinearSVC (one SVC, sigmoid calibrated on
  cross-validated decision values), jieba-word TF-IDF +
  logistic regression (C=10); its confidence score comes from a logistic-regression scorer over
  the base models' margins, probabilities and agreement, learned from out-of-fold predictions on
  the training data (``confidence.py``, ``DomainClassifier.choose_threshold``).
* ``"fast"`` — char 1–2-gram TF-IDF (terms in ≥ 2 texts) + one LinearSVC, sigmoid calibrated on
  cross-validated decision values; score = top probability. Trains with its threshold in about
  half a minute of CPU on 2,140 texts (stacked3: several minutes): the demo's (``make run``).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from .confidence import AgreementEnsemble
from .names import CONFIG_NAMES, DEFAULT_CONFIG
from .text import TopChi2, char_tfidf, lead_of, word_tfidf


class FastSigmoidCalibratedCV(CalibratedClassifierCV):
    """``CalibratedClassifierCV`` whose ``predict_proba`` for sigmoid calibration of a multi-class
    classifier computes the same probabilities with plain numpy: scikit-learn validates every
    per-class calibrator's input, which was about half the prediction time of one demand."""

    def predict_proba(self, X):
        check_is_fitted(self)
        n_classes = len(self.classes_)
        if self.method != "sigmoid" or n_classes < 3:
            return super().predict_proba(X)
        mean = np.zeros((X.shape[0], n_classes))
        for calibrated in self.calibrated_classifiers_:
            decision = calibrated.estimator.decision_function(X)
            columns = np.searchsorted(calibrated.classes, calibrated.estimator.classes_)
            proba = np.zeros_like(mean)
            for k, values, calibrator in zip(columns, decision.T, calibrated.calibrators):
                proba[:, k] = expit(-(calibrator.a_ * values + calibrator.b_))
            total = proba.sum(axis=1)[:, np.newaxis]
            mean += np.divide(proba, total, out=np.full_like(proba, 1 / n_classes), where=total != 0)
        return mean / len(self.calibrated_classifiers_)


def _calibrated_svc(random_state: int = 0, ensemble: bool = True, **kwargs) -> CalibratedClassifierCV:
    return FastSigmoidCalibratedCV(LinearSVC(random_state=random_state, **kwargs), cv=5, method="sigmoid",
                                   ensemble=ensemble)


def _baseline(random_state: int = 0):
    return Pipeline([("tfidf", char_tfidf((1, 3))), ("clf", _calibrated_svc(random_state))])


def _union_features() -> FeatureUnion:
    return FeatureUnion([
        ("char13", char_tfidf((1, 3))),
        ("words", word_tfidf()),
        ("lead_char13", lead_of(char_tfidf((1, 3)))),
    ])


def _union_svc(random_state: int = 0):
    return Pipeline([("union", _union_features()), ("chi2", TopChi2(20000)),
                     ("clf", _calibrated_svc(random_state))])


def _stacked(random_state: int = 0):
    bases = [
        ("union_svc", Pipeline([("union", _union_features()), ("chi2", TopChi2(20000)),
                                ("svc", LinearSVC(random_state=random_state))])),
        ("words_nb", Pipeline([("tfidf", word_tfidf()), ("nb", ComplementNB(alpha=0.1))])),
    ]
    return StackingClassifier(
        bases,
        final_estimator=LogisticRegression(C=1.0, max_iter=3000),
        cv=StratifiedKFold(5, shuffle=True, random_state=random_state),
    )


def _stacked3(random_state: int = 0):
    bases = [
        ("union_svc", Pipeline([("union", _union_features()), ("chi2", TopChi2(20000)),
                                ("clf", _calibrated_svc(random_state))])),
        # one SVC on all the data, calibrated on cross-validated decision values: the 5 fold SVCs
        # of the full char vocabulary would store as ~70 MB
        ("char_svc", Pipeline([("tfidf", char_tfidf((1, 3))),
                               ("clf", _calibrated_svc(random_state, ensemble=False))])),
        ("words_lr", Pipeline([("tfidf", word_tfidf()),
                               ("clf", LogisticRegression(C=10.0, max_iter=3000))])),
    ]
    return AgreementEnsemble(bases, scorer=LogisticRegression(C=1.0, max_iter=3000), require_agreement=False)


def _fast(random_state: int = 0):
    return Pipeline([("tfidf", char_tfidf((1, 2), min_df=2)),
                     ("clf", _calibrated_svc(random_state, ensemble=False))])


CONFIGS: dict[str, Callable[..., object]] = {
    "baseline": _baseline,
    "union_svc": _union_svc,
    "stacked": _stacked,
    "stacked3": _stacked3,
    "fast": _fast,
}
assert tuple(CONFIGS) == CONFIG_NAMES and DEFAULT_CONFIG in CONFIGS


def build_pipeline(config: str = DEFAULT_CONFIG, random_state: int = 0):
    """A fresh, unfitted scikit-learn estimator for ``config``."""
    try:
        factory = CONFIGS[config]
    except KeyError:
        raise ValueError(f"unknown config {config!r}; known: {sorted(CONFIGS)}") from None
    return factory(random_state=random_state)
