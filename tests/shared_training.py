"""One trained routing classifier per test session.

Training is deterministic (fixed ``random_state``), so the suite trains each (configuration, data)
pair once: the first ``DomainClassifier.fit`` / ``choose_threshold`` on some data computes it, every
later call on the same data and settings reuses the fitted pipeline and the chosen threshold. The
code path is the production one (CLI → service → classifier → stored bytes); only the repeated
scikit-learn work is skipped. Tests of the training itself are marked ``training``: they train for
real, every time (and ``make test-fast`` leaves them out). Loaded by tests/conftest.py.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest


def _key(model, texts, labels, *extra):
    return (type(model).__name__, model.config, model.random_state,
            tuple("" if t is None else str(t) for t in texts), tuple(str(x) for x in labels), *extra)


_REAL = {"on": False}


@pytest.fixture(autouse=True)
def _real_training_when_marked(request):
    _REAL["on"] = request.node.get_closest_marker("training") is not None
    yield
    _REAL["on"] = False


@pytest.fixture(scope="session", autouse=True)
def shared_training():
    from app.routing_model import DomainClassifier

    fits: dict = {}
    thresholds: dict = {}
    real_fit, real_choose = DomainClassifier.fit, DomainClassifier.choose_threshold

    def fit(self, texts, labels):
        if _REAL["on"]:
            return real_fit(self, texts, labels)
        texts, labels = list(texts), list(labels)
        key = _key(self, texts, labels)
        if key not in fits:
            real_fit(self, texts, labels)
            fits[key] = (self.pipeline, list(self.labels), self.n_train, dict(self.versions))
            return self
        self.pipeline, labels_, self.n_train, versions = fits[key]
        self.labels, self.versions = list(labels_), dict(versions)
        self.trained_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return self

    def choose_threshold(self, texts, labels, target_precision=0.97, n_splits=5, **kwargs):
        if _REAL["on"]:
            return real_choose(self, texts, labels, target_precision=target_precision,
                               n_splits=n_splits, **kwargs)
        texts, labels = list(texts), list(labels)
        key = _key(self, texts, labels, target_precision, n_splits, tuple(sorted(kwargs.items())))
        if key not in thresholds:
            real_choose(self, texts, labels, target_precision=target_precision, n_splits=n_splits,
                        **kwargs)
            thresholds[key] = (self.threshold, dict(self.threshold_info), self.scorer)
        self.threshold, info, self.scorer = thresholds[key]
        self.threshold_info = dict(info)
        return self.threshold

    from app.routing_model import review
    folds: dict = {}
    real_folds = review.out_of_fold

    def out_of_fold(estimator, texts, y, n_splits=5, random_state=0):  # label review
        if _REAL["on"]:
            return real_folds(estimator, texts, y, n_splits=n_splits, random_state=random_state)
        key = (repr(estimator), tuple(texts), tuple(str(v) for v in y), n_splits, random_state)
        if key not in folds:
            folds[key] = real_folds(estimator, list(texts), y, n_splits=n_splits,
                                    random_state=random_state)
        proba, score, bases = folds[key]
        return proba.copy(), score.copy(), None if bases is None else [b.copy() for b in bases]

    patch = pytest.MonkeyPatch()
    patch.setattr(review, "out_of_fold", out_of_fold)
    patch.setattr(DomainClassifier, "fit", fit)
    patch.setattr(DomainClassifier, "choose_threshold", choose_threshold)
    yield
    patch.undo()
