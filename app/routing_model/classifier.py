"""``DomainClassifier``: trains a configuration, chooses its auto-dispatch threshold on the
training data by cross-validation, predicts, and stores itself as bytes.

Security: ``from_bytes`` unpickles. Only load bytes this application produced and stored itself.
"""

from __future__ import annotations

import io
import platform
import warnings
from collections import Counter
from datetime import datetime, timezone
from typing import Sequence

import joblib
import numpy as np
import sklearn

from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from .confidence import meta_features, proba_and_confidence, score_from_bases
from .pipelines import DEFAULT_CONFIG, build_pipeline
from .threshold import CONFIDENCE_LEVEL, lowest_threshold_for_precision, out_of_fold, precision_bounds

FORMAT = "qisu-routing-model/2"
READABLE_FORMATS = ("qisu-routing-model/1", FORMAT)
MIN_PER_LABEL = 10  # the calibration folds inside the pipelines need a few per label


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                "numpy": np.__version__, "joblib": joblib.__version__}
    try:
        import jieba

        versions["jieba"] = jieba.__version__
    except Exception:  # pragma: no cover - jieba is a dependency
        pass
    return versions


class DomainClassifier:
    """Suggests the domain (label) of a demand from its text, with a confidence score that decides
    automatic dispatch (score ≥ ``threshold``)."""

    def __init__(self, config: str = DEFAULT_CONFIG, random_state: int = 0):
        build_pipeline(config, random_state)  # validates the name early
        self.config = config
        self.random_state = random_state
        self.pipeline = None
        self.labels: list[str] = []
        self.threshold: float | None = None
        self.threshold_info: dict = {}
        self.scorer = None  # the confidence scorer learned by choose_threshold (ensembles)
        self.n_train = 0
        self.trained_at: str | None = None
        self.versions: dict[str, str] = {}

    # training
    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "DomainClassifier":
        texts, labels = _check_xy(texts, labels)
        pipeline = build_pipeline(self.config, self.random_state)
        pipeline.fit(texts, labels)
        self.pipeline = pipeline
        self.labels = [str(c) for c in pipeline.classes_]
        self.n_train = len(texts)
        self.trained_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.versions = _versions()
        return self

    def choose_threshold(self, texts: Sequence[str], labels: Sequence[str],
                         target_precision: float = 0.97, n_splits: int = 5,
                         confidence_level: float | None = CONFIDENCE_LEVEL) -> float:
        """Sets and returns ``self.threshold`` from cross-validated confidence scores on ``texts`` /
        ``labels`` — pass the training data, never evaluation data: the lowest score whose
        cross-validated auto-dispatched cases keep precision ≥ ``target_precision`` with
        ``confidence_level`` (its one-sided Clopper–Pearson lower bound; None: the point
        estimate, as before issue 22). ``threshold_info`` records the promise: the precision, its
        bounds and the number of cases they rest on. Fresh copies
        of the pipeline are trained on each fold; the fitted pipeline (if any) is not used nor
        changed. For an ensemble with a ``scorer`` template, the confidence scorer is learned here
        too (``self.scorer``: fitted on the out-of-fold base probabilities, whether the ensemble's
        first domain was right); the threshold is then chosen on the scorer's own cross-validated
        scores (a second, cheap cross-validation over those features)."""
        if not 0.0 < target_precision <= 1.0:
            raise ValueError("target_precision must be in (0, 1]")
        if confidence_level is not None and not 0.5 <= confidence_level < 1.0:
            raise ValueError("confidence_level must be in [0.5, 1)")
        texts, labels = _check_xy(texts, labels)
        if n_splits < 2:
            raise ValueError("n_splits must be ≥ 2")
        y = np.asarray(labels)
        estimator = build_pipeline(self.config, self.random_state)
        proba, score, bases = out_of_fold(estimator, texts, y, n_splits=n_splits,
                                          random_state=self.random_state)
        predicted = np.unique(y)[proba.argmax(axis=1)]
        correct = predicted == y
        self.scorer, kind = None, "top probability"
        template = getattr(estimator, "scorer", None)
        if bases is not None:
            kind = "margin"
            n_right = int(correct.sum())
            if template is not None and min(n_right, correct.size - n_right) >= n_splits:
                features, _ = meta_features(bases)
                cv = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
                cv_scorer = _CrossValScorer(cross_val_predict(
                    clone(template), features, correct, cv=cv, method="predict_proba")[:, 1])
                score = score_from_bases(bases, cv_scorer, estimator.require_agreement)
                self.scorer, kind = clone(template).fit(features, correct), "scorer"
        threshold, share, precision = lowest_threshold_for_precision(score, correct, target_precision,
                                                                     confidence_level)
        auto = score >= threshold
        n_auto, n_right = int(auto.sum()), int(correct[auto].sum())
        low, high = precision_bounds(n_right, n_auto, confidence_level or CONFIDENCE_LEVEL)
        self.threshold = threshold
        self.threshold_info = {
            "target_precision": target_precision,
            "confidence_level": confidence_level,
            "cv_auto_n": n_auto,
            "cv_auto_correct": n_right,
            "cv_precision_low": low if n_auto else None,
            "cv_precision_high": high if n_auto else None,
            "cv_folds": n_splits,
            "confidence": kind,
            "cv_auto_share": share,
            "cv_auto_precision": precision,
            "cv_accuracy": float(np.mean(predicted == y)),
            "n": len(texts),
        }
        return threshold

    # prediction
    def _require_fitted(self):
        if self.pipeline is None:
            raise RuntimeError("DomainClassifier is not fitted")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of ``self.labels``."""
        return self.predict_scored(texts)[0]

    def confidence_scores(self, texts: Sequence[str]) -> np.ndarray:
        """The confidence score of each text, compared with ``threshold`` for automatic dispatch."""
        return self.predict_scored(texts)[1]

    def predict_scored(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, confidence scores) in one pass."""
        self._require_fitted()
        return proba_and_confidence(self.pipeline, _as_texts(texts), self.scorer)

    def predict_top(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """Per text, the ``k`` most likely labels with their probabilities, best first."""
        return self._top(self.predict_proba(texts), k)

    def _top(self, proba: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        if k < 1:
            raise ValueError("k must be ≥ 1")
        k = min(k, proba.shape[1])
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [[(self.labels[j], float(row[j])) for j in idx] for row, idx in zip(proba, order)]

    def is_auto(self, score: float) -> bool:
        """True when a case whose confidence score is ``score`` is dispatched automatically."""
        return self.threshold is not None and score >= self.threshold

    def suggest(self, text: str, k: int = 3) -> dict:
        """The routing suggestion for one demand: its top-k domains with their probabilities
        (``confidence`` is the top one), the confidence ``score`` and whether to auto-dispatch."""
        proba, score = self.predict_scored([text])
        top = self._top(proba, k)[0]
        score = float(score[0])
        return {"label": top[0][0], "confidence": top[0][1], "score": score,
                "auto": self.is_auto(score), "top": top}

    # storage
    def metadata(self) -> dict:
        return {
            "format": FORMAT,
            "config": self.config,
            "random_state": self.random_state,
            "labels": list(self.labels),
            "threshold": self.threshold,
            "threshold_info": dict(self.threshold_info),
            "n_train": self.n_train,
            "trained_at": self.trained_at,
            "versions": dict(self.versions),
        }

    def to_bytes(self) -> bytes:
        self._require_fitted()
        buffer = io.BytesIO()
        joblib.dump({"meta": self.metadata(), "pipeline": self.pipeline, "scorer": self.scorer},
                    buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "DomainClassifier":
        """A stored model, format /2 or /1 (whose confidence score is its top probability)."""
        payload = joblib.load(io.BytesIO(data))
        if not isinstance(payload, dict) or payload.get("meta", {}).get("format") not in READABLE_FORMATS:
            raise ValueError("not a QiSu routing model")
        meta = payload["meta"]
        saved = meta.get("versions", {}).get("scikit-learn")
        if saved and saved != sklearn.__version__:
            warnings.warn(f"routing model trained with scikit-learn {saved}, loaded with "
                          f"{sklearn.__version__}; retrain it if predictions look wrong", RuntimeWarning)
        model = cls.__new__(cls)
        model.config = meta["config"]
        model.random_state = meta["random_state"]
        model.pipeline = payload["pipeline"]
        model.labels = list(meta["labels"])
        model.threshold = meta["threshold"]
        model.threshold_info = dict(meta["threshold_info"])
        model.scorer = payload.get("scorer")
        model.n_train = meta["n_train"]
        model.trained_at = meta["trained_at"]
        model.versions = dict(meta["versions"])
        return model


class _CrossValScorer:
    """Stands in for a fitted scorer: returns precomputed cross-validated scores in row order."""

    def __init__(self, scores: np.ndarray):
        self.scores = scores

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return np.column_stack([1.0 - self.scores, self.scores])


def _as_texts(texts) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("pass a sequence of texts, not a single string")
    return ["" if t is None else str(t) for t in texts]


def _check_xy(texts, labels) -> tuple[list[str], list[str]]:
    texts = _as_texts(texts)
    labels = [str(label) for label in labels]
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError("need at least two labels")
    scarce = sorted(label for label, n in counts.items() if n < MIN_PER_LABEL)
    if scarce:
        raise ValueError(f"need at least {MIN_PER_LABEL} examples per label; too few for: {', '.join(scarce)}")
    return texts, labels
