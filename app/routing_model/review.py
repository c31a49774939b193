"""Training labels worth a second look: examples whose label the classifier, trained without
them, finds unlikely while it puts another domain first (out-of-fold predictions, the idea of
confident learning). Label noise limits how many demands can be dispatched automatically at a
given precision; a person reviews these rows, corrects the labels at their source, and retrains.

Nothing is changed or dropped here: dropping such rows automatically did not help (docs/routing.md,
"Tried on 2026-12-02"), because many of them are ambiguous rather than wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .classifier import _check_xy
from .pipelines import DEFAULT_CONFIG, build_pipeline
from .threshold import out_of_fold

DEFAULT_MAX_LABEL_PROBA = 0.1


@dataclass(frozen=True)
class Suspect:
    index: int              # position in the texts given
    label: str              # the label it has
    suggested: str          # the domain the out-of-fold model puts first
    label_proba: float      # out-of-fold probability of its own label
    suggested_proba: float  # out-of-fold probability of the suggested domain


def suspect_labels(texts: Sequence[str], labels: Sequence[str], config: str = DEFAULT_CONFIG, *,
                   max_label_proba: float = DEFAULT_MAX_LABEL_PROBA, n_splits: int = 5,
                   random_state: int = 0) -> list[Suspect]:
    """The examples whose out-of-fold probability of their own label is below ``max_label_proba``
    and whose most likely domain is another one, the least likely label first. Each example is
    predicted by a model fitted on the other folds (fresh copies of ``config``'s pipeline)."""
    if not 0.0 < max_label_proba <= 1.0:
        raise ValueError("max_label_proba must be in (0, 1]")
    texts, labels = _check_xy(texts, labels)
    y = np.asarray(labels)
    proba, _, _ = out_of_fold(build_pipeline(config, random_state), texts, y, n_splits=n_splits,
                              random_state=random_state)
    classes = np.unique(y)
    rows = np.arange(len(y))
    own = proba[rows, np.searchsorted(classes, y)]
    first = proba.argmax(axis=1)
    flagged = np.where((classes[first] != y) & (own < max_label_proba))[0]
    flagged = sorted(flagged, key=lambda i: (own[i], -proba[i, first[i]]))
    return [Suspect(int(i), labels[i], str(classes[first[i]]), float(own[i]), float(proba[i, first[i]]))
            for i in flagged]
