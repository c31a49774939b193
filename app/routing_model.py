"""Domain classifier for P4 routing: suggests the domain of a demand from its text.

Plain Python + scikit-learn (no Flask, no SQLAlchemy), so that it can be trained offline, evaluated
by ``bench/routing_eval.py`` and stored by the application as bytes (``to_bytes`` / ``from_bytes``).

* ``DomainClassifier.fit(texts, labels)`` trains the pipeline on labelled historical orders.
* ``DomainClassifier.predict_top(texts, k=3)`` gives, per text, the k most likely domains with their
  probabilities, best first.
* ``DomainClassifier.choose_threshold(texts, labels, target_precision=0.97)`` picks the confidence
  threshold above which a case is dispatched automatically. It only ever sees the data it is given —
  the *training* data: the probabilities come from cross-validation (``cross_val_predict`` with a
  ``StratifiedKFold``) of fresh, unfitted copies of the pipeline, and the threshold is the lowest
  confidence whose auto-dispatched share still has a precision ≥ the target.
* ``evaluate(model, texts, labels)`` computes accuracy, macro-F1, top-3 accuracy, the share of cases
  auto-dispatched and the precision on them, and the prediction time per demand.

Configurations (``CONFIGS``):

* ``"baseline"`` — TF-IDF of character 1–3-grams (sublinear tf) + LinearSVC, calibrated with
  ``CalibratedClassifierCV`` (sigmoid) so that it has probabilities.
* ``"union_svc"`` — the union of char 1–3-grams, jieba words and char 1–3-grams of the first 40
  characters of the text (the title and the opening of the message; the CSV text is title +
  message), all TF-IDF with sublinear tf, reduced to the 20,000 features with the highest chi²
  with the label, + LinearSVC calibrated like the baseline.
* ``"stacked"`` (default) — a stacking ensemble (``StackingClassifier``, 5-fold) of two linear
  models: LinearSVC on the chi²-selected union above, and ComplementNB (alpha 0.1) on jieba-word
  TF-IDF; the final estimator is a multinomial logistic regression (C=1) over their
  cross-validated decision values / probabilities.

``"stacked"`` was chosen by 5-fold cross-validation on the 70% training split of the benchmark
(``bench/routing_eval.py --cv``; 1,498 messages, 7 domains), macro-F1 first: baseline 0.875,
union_svc 0.882, stacked 0.896 (auto-dispatch at 97% precision: 54%, 73%, 68%). Prediction takes
~5 ms per demand on one CPU core; a trained model stores as ~10 MB (joblib, compressed).

Security: ``from_bytes`` unpickles. Only load bytes this application produced and stored itself.
"""

from __future__ import annotations

import io
import logging
import math
import platform
import time
import warnings
from collections import Counter
from datetime import datetime, timezone
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectKBest, chi2
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

FORMAT = "qisu-routing-model/1"
DEFAULT_CONFIG = "stacked"
LEAD_CHARS = 40  # the title and the first words of the message
MIN_PER_LABEL = 10  # the calibration / stacking folds inside the pipelines need a few per label

__all__ = [
    "CONFIGS",
    "DEFAULT_CONFIG",
    "DomainClassifier",
    "build_pipeline",
    "evaluate",
    "jieba_words",
    "lowest_threshold_for_precision",
]


# --- text features -------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _jieba_tokens(text: str) -> tuple[str, ...]:
    import jieba

    if not getattr(_jieba_tokens, "_quiet", False):
        jieba.setLogLevel(logging.WARNING)
        _jieba_tokens._quiet = True  # type: ignore[attr-defined]
    return tuple(w for w in jieba.lcut(text) if w.strip())


def jieba_words(text: str) -> list[str]:
    """Chinese word tokens (jieba, precise mode), whitespace dropped. Cached: several vectorizers
    of one pipeline tokenize the same text."""
    return list(_jieba_tokens(text))


def lead(texts: Iterable[str], n: int = LEAD_CHARS) -> list[str]:
    """The first ``n`` characters of each text (the CSV text is title + message)."""
    return [t[:n] for t in texts]


def _char(ngram_range=(1, 3)) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True)


def _words() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=jieba_words, sublinear_tf=True)


def _lead(step) -> Pipeline:
    return Pipeline([("lead", FunctionTransformer(lead)), ("tfidf", step)])


# --- configurations ------------------------------------------------------------------------------

def _baseline(random_state: int = 0):
    return Pipeline([
        ("tfidf", _char((1, 3))),
        ("clf", CalibratedClassifierCV(LinearSVC(random_state=random_state), cv=5, method="sigmoid")),
    ])


class TopChi2(SelectKBest):
    """``SelectKBest(chi2, k)`` that keeps every feature, without a warning, when there are fewer
    than ``k`` (small training sets), and computes its feature mask once at fit time
    (``SelectKBest`` sorts all the scores again on every ``transform``: ~40 ms per demand here)."""

    def __init__(self, k: int = 20000):
        super().__init__(chi2, k=k)

    def _check_params(self, X, y):
        pass

    def fit(self, X, y=None, **params):
        super().fit(X, y, **params)
        self.support_mask_ = super()._get_support_mask()
        self.pvalues_ = None  # not needed after selection; smaller stored model
        return self

    def _get_support_mask(self):
        return self.support_mask_


def _union_features() -> FeatureUnion:
    return FeatureUnion([
        ("char13", _char((1, 3))),
        ("words", _words()),
        ("lead_char13", _lead(_char((1, 3)))),
    ])


def _union_chi2_svc(random_state: int = 0) -> Pipeline:
    return Pipeline([("union", _union_features()), ("chi2", TopChi2(20000)),
                     ("svc", LinearSVC(random_state=random_state))])


def _union_svc(random_state: int = 0):
    return Pipeline([
        ("union", _union_features()),
        ("chi2", TopChi2(20000)),
        ("clf", CalibratedClassifierCV(LinearSVC(random_state=random_state), cv=5, method="sigmoid")),
    ])


def _stacked(random_state: int = 0):
    bases = [
        ("union_svc", _union_chi2_svc(random_state)),
        ("words_nb", Pipeline([("tfidf", _words()), ("nb", ComplementNB(alpha=0.1))])),
    ]
    return StackingClassifier(
        bases,
        final_estimator=LogisticRegression(C=1.0, max_iter=3000),
        cv=StratifiedKFold(5, shuffle=True, random_state=random_state),
    )


CONFIGS: dict[str, Callable[..., object]] = {
    "baseline": _baseline,
    "union_svc": _union_svc,
    "stacked": _stacked,
}


def build_pipeline(config: str = DEFAULT_CONFIG, random_state: int = 0):
    """A fresh, unfitted scikit-learn estimator for ``config``."""
    try:
        factory = CONFIGS[config]
    except KeyError:
        raise ValueError(f"unknown config {config!r}; known: {sorted(CONFIGS)}") from None
    return factory(random_state=random_state)


# --- threshold -----------------------------------------------------------------------------------

def lowest_threshold_for_precision(confidences, correct, target_precision: float) -> tuple[float, float, float]:
    """The lowest threshold t such that the cases with confidence ≥ t are correct with a precision
    ≥ ``target_precision``. Returns (threshold, share of cases auto-dispatched, their precision).
    Cases with equal confidence are kept together. When no threshold reaches the target the
    threshold is +inf (nothing is dispatched automatically) and share and precision are 0.0."""
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if conf.shape != ok.shape or conf.ndim != 1:
        raise ValueError("confidences and correct must be 1-D and of the same length")
    if conf.size == 0:
        return math.inf, 0.0, 0.0
    order = np.argsort(-conf, kind="stable")
    conf_sorted, ok_sorted = conf[order], ok[order]
    cum_precision = np.cumsum(ok_sorted) / np.arange(1, conf.size + 1)
    # a cut after position i is valid only where the next confidence is strictly lower (ties together)
    boundary = np.append(conf_sorted[1:] < conf_sorted[:-1], True)
    valid = np.where(boundary & (cum_precision >= target_precision))[0]
    if valid.size == 0:
        return math.inf, 0.0, 0.0
    last = int(valid.max())
    return float(conf_sorted[last]), (last + 1) / conf.size, float(cum_precision[last])


# --- the classifier ------------------------------------------------------------------------------

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
    """Suggests the domain (label) of a demand from its text; see the module docstring."""

    def __init__(self, config: str = DEFAULT_CONFIG, random_state: int = 0):
        build_pipeline(config, random_state)  # validates the name early
        self.config = config
        self.random_state = random_state
        self.pipeline = None
        self.labels: list[str] = []
        self.threshold: float | None = None
        self.threshold_info: dict = {}
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
                         target_precision: float = 0.97, n_splits: int = 5) -> float:
        """Sets and returns ``self.threshold`` from cross-validated probabilities on ``texts`` /
        ``labels`` — pass the training data, never evaluation data. Fresh copies of the pipeline
        are trained on each fold; the fitted model (if any) is not used nor changed."""
        if not 0.0 < target_precision <= 1.0:
            raise ValueError("target_precision must be in (0, 1]")
        texts, labels = _check_xy(texts, labels)
        if n_splits < 2:
            raise ValueError("n_splits must be ≥ 2")
        y = np.asarray(labels)
        folds = n_splits
        cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        estimator = build_pipeline(self.config, self.random_state)
        proba = cross_val_predict(estimator, texts, y, cv=cv, method="predict_proba")
        classes = np.unique(y)  # cross_val_predict orders the columns like np.unique
        predicted = classes[proba.argmax(axis=1)]
        threshold, share, precision = lowest_threshold_for_precision(
            proba.max(axis=1), predicted == y, target_precision)
        self.threshold = threshold
        self.threshold_info = {
            "target_precision": target_precision,
            "cv_folds": folds,
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
        self._require_fitted()
        return self.pipeline.predict_proba(_as_texts(texts))

    def predict_top(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """Per text, the ``k`` most likely labels with their probabilities, best first."""
        if k < 1:
            raise ValueError("k must be ≥ 1")
        proba = self.predict_proba(texts)
        k = min(k, proba.shape[1])
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [[(self.labels[j], float(row[j])) for j in idx] for row, idx in zip(proba, order)]

    def is_auto(self, confidence: float) -> bool:
        """True when a case whose top probability is ``confidence`` is dispatched automatically."""
        return self.threshold is not None and confidence >= self.threshold

    def suggest(self, text: str, k: int = 3) -> dict:
        """The routing suggestion for one demand: its top-k domains and whether to auto-dispatch."""
        top = self.predict_top([text], k=k)[0]
        return {"label": top[0][0], "confidence": top[0][1], "auto": self.is_auto(top[0][1]), "top": top}

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
        joblib.dump({"meta": self.metadata(), "pipeline": self.pipeline}, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "DomainClassifier":
        payload = joblib.load(io.BytesIO(data))
        if not isinstance(payload, dict) or payload.get("meta", {}).get("format") != FORMAT:
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
        model.n_train = meta["n_train"]
        model.trained_at = meta["trained_at"]
        model.versions = dict(meta["versions"])
        return model


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


# --- evaluation ----------------------------------------------------------------------------------

def evaluate(model: DomainClassifier, texts: Sequence[str], labels: Sequence[str],
             timing_sample: int = 200) -> dict:
    """Metrics of a fitted model on (evaluation) texts and labels:

    accuracy, macro_f1, top3_accuracy; auto_share (cases whose top probability ≥ model.threshold)
    and auto_precision (accuracy on those; None when none is auto-dispatched); ms_per_demand (mean
    time of ``predict_top`` on one demand at a time, over the first ``timing_sample`` texts); n."""
    texts, y = _as_texts(texts), [str(label) for label in labels]
    if len(texts) != len(y) or not texts:
        raise ValueError("need as many labels as texts, and at least one")
    top = model.predict_top(texts, k=3)
    predicted = [t[0][0] for t in top]
    correct = np.array([p == t for p, t in zip(predicted, y)])
    auto = np.array([model.is_auto(t[0][1]) for t in top])
    timed = texts[: max(0, timing_sample)]
    start = time.perf_counter()
    for text in timed:
        model.predict_top([text], k=3)
    ms = (time.perf_counter() - start) * 1000 / len(timed) if timed else None
    return {
        "n": len(texts),
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, average="macro", zero_division=0)),
        "top3_accuracy": float(np.mean([t in {label for label, _ in row} for t, row in zip(y, top)])),
        "auto_share": float(auto.mean()),
        "auto_precision": float(correct[auto].mean()) if auto.any() else None,
        "ms_per_demand": ms,
    }
