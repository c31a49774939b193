"""Text features of the routing classifier: jieba words, the lead of a message, TF-IDF
vectorizers and a chi² feature selection that is cheap at prediction time."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Iterable

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectKBest, chi2
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

LEAD_CHARS = 40  # the title and the first words of the message


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


def char_tfidf(ngram_range=(1, 3), **kwargs) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True, **kwargs)


def word_tfidf(ngram_range=(1, 1), **kwargs) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=jieba_words, ngram_range=ngram_range, sublinear_tf=True, **kwargs)


def lead_of(step) -> Pipeline:
    return Pipeline([("lead", FunctionTransformer(lead)), ("tfidf", step)])


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
