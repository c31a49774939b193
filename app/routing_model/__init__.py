"""Domain classifier for P4 routing: suggests the domain of a demand from its text.

Plain Python + scikit-learn (no Flask, no SQLAlchemy), so that it can be trained offline, evaluated
by ``bench/routing_eval.py`` and stored by the application as bytes (``to_bytes`` / ``from_bytes``).

* ``text`` — features: jieba words, the lead of a message, TF-IDF vectorizers, chi² selection.
* ``pipelines`` — the configurations (``CONFIGS``, ``build_pipeline``; default ``stacked3``).
* ``confidence`` — the confidence score that decides automatic dispatch, and ``AgreementEnsemble``.
* ``threshold`` — ``lowest_threshold_for_precision`` and the out-of-fold predictions it is chosen on.
* ``classifier`` — ``DomainClassifier``: fit, choose_threshold (cross-validation on the training
  data only), predict_top, suggest, to_bytes / from_bytes (format /2; /1 still loads).
* ``evaluation`` — ``evaluate``: accuracy, macro-F1, top-3, auto-dispatch share and precision, time.
* ``review`` — ``suspect_labels``: training labels the out-of-fold model finds unlikely (for review).

Importing ``app.routing_model`` gives the same names as the former single module, so that code and
models stored in format /1 (whose pickles name ``app.routing_model.jieba_words``, ``lead`` and
``TopChi2``) keep working.
"""

from .classifier import FORMAT, MIN_PER_LABEL, READABLE_FORMATS, DomainClassifier
from .confidence import AgreementEnsemble, meta_features, proba_and_confidence, top_margin
from .evaluation import evaluate
from .pipelines import CONFIGS, DEFAULT_CONFIG, build_pipeline
from .review import Suspect, suspect_labels
from .text import LEAD_CHARS, TopChi2, _jieba_tokens, jieba_words, lead
from .threshold import lowest_threshold_for_precision, out_of_fold

__all__ = [
    "AgreementEnsemble",
    "CONFIGS",
    "DEFAULT_CONFIG",
    "DomainClassifier",
    "FORMAT",
    "LEAD_CHARS",
    "MIN_PER_LABEL",
    "READABLE_FORMATS",
    "Suspect",
    "TopChi2",
    "_jieba_tokens",
    "build_pipeline",
    "evaluate",
    "jieba_words",
    "lead",
    "lowest_threshold_for_precision",
    "meta_features",
    "out_of_fold",
    "proba_and_confidence",
    "suspect_labels",
    "top_margin",
]
