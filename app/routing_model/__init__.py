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
``TopChi2``) keep working; they are imported on first use, so that importing the package costs
nothing (``names``: ``DEFAULT_CONFIG``, ``CONFIG_NAMES`` without scikit-learn).
"""

from importlib import import_module

from .names import CONFIG_NAMES, DEFAULT_CONFIG, FAST_CONFIG

# Everything else is imported on first use (PEP 562): scikit-learn, numpy and jieba cost seconds,
# and most `flask qisu` commands and pages never touch a model.
_LAZY = {
    "FORMAT": "classifier", "MIN_PER_LABEL": "classifier", "READABLE_FORMATS": "classifier",
    "DomainClassifier": "classifier",
    "AgreementEnsemble": "confidence", "meta_features": "confidence",
    "proba_and_confidence": "confidence", "top_margin": "confidence",
    "evaluate": "evaluation",
    "CONFIGS": "pipelines", "build_pipeline": "pipelines",
    "Suspect": "review", "suspect_labels": "review",
    "LEAD_CHARS": "text", "TopChi2": "text", "_jieba_tokens": "text", "jieba_words": "text",
    "lead": "text",
    "lowest_threshold_for_precision": "threshold", "out_of_fold": "threshold",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AgreementEnsemble",
    "CONFIGS",
    "CONFIG_NAMES",
    "DEFAULT_CONFIG",
    "FAST_CONFIG",
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
