"""Fast TF-IDF sketches of short Chinese texts, for grouping similar demands (P18 共性问题).

scikit-learn's `TfidfVectorizer(analyzer="char")` builds its n-grams in Python: ~2.5 s for
20,000 demands on the reference machine, too slow for a dashboard that must answer in under a
second. This module computes the same weighting with numpy on the whole batch at once:

* terms are character bigrams of word characters (CJK ideographs, ASCII letters and digits);
  punctuation, spaces and a few particles (的了吗呢啊吧) break the text, so no bigram spans them;
* weight = (1 + ln tf) · (ln((1 + n) / (1 + df)) + 1), as sklearn's `sublinear_tf=True, smooth_idf`;
  terms in fewer than `min_df` texts or in more than `max_df` of them are dropped;
* each text keeps only its `top_k` heaviest terms shared with at least one other text (its
  *sketch*), divided by the L2 norm of the whole text, so the dot product of two sketches is the
  part of their TF-IDF cosine carried by what is most distinctive about each demand, and the
  sparse product of the sketches stays cheap even when hundreds of demands share the same words.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

SEPARATOR = 0
STOP_CHARS = "的了吗呢啊吧着"
_SHIFT = np.int64(21)  # code points fit in 21 bits; a bigram fits in 42
BUCKET_BITS = 20       # bigrams are hashed into 2**20 columns, as sklearn's HashingVectorizer
BUCKETS = 1 << BUCKET_BITS


@dataclass
class Sketches:
    matrix: sp.csr_matrix          # n_texts × BUCKETS, rows L2-normalised, ≤ top_k entries a row
    terms: np.ndarray              # a bigram code of each column (hash bucket), for display
    full: sp.csr_matrix | None = None   # all shared terms of each text, same normalisation
    df: np.ndarray | None = None   # document frequency of each column

    def term_text(self, column: int) -> str:
        code = int(self.terms[column])
        return chr(code >> 21) + chr(code & ((1 << 21) - 1))


def _codepoints(texts: list[str], max_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one array of code points (separator between texts) and each position's text."""
    clipped = [t[:max_chars].lower() for t in texts]
    joined = "\0".join(clipped) + "\0"
    chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    lengths = np.fromiter((len(t) + 1 for t in clipped), dtype=np.int64, count=len(clipped))
    doc = np.repeat(np.arange(len(clipped), dtype=np.int64), lengths)
    word = (((chars >= 0x4E00) & (chars <= 0x9FFF)) | ((chars >= 0x3400) & (chars <= 0x4DBF))
            | ((chars >= ord("a")) & (chars <= ord("z"))))
    word &= ~np.isin(chars, np.array([ord(c) for c in STOP_CHARS], dtype=np.int64))
    chars[~word] = SEPARATOR
    return chars, doc


def sketch(texts: list[str], top_k: int = 20, min_df: int = 2, max_df: float = 1.0,
           max_chars: int = 160) -> Sketches:
    """The TF-IDF sketches of `texts` (see the module docstring)."""
    n = len(texts)
    if n == 0:
        empty = sp.csr_matrix((0, BUCKETS), dtype=np.float32)
        return Sketches(empty, np.zeros(BUCKETS, np.int64), empty, np.zeros(BUCKETS, np.int64))
    chars, doc = _codepoints(texts, max_chars)
    first, second = chars[:-1], chars[1:]
    valid = (first != SEPARATOR) & (second != SEPARATOR)
    codes = (first[valid] << _SHIFT) | second[valid]
    buckets = _bucket(codes)
    terms = np.zeros(BUCKETS, dtype=np.int64)
    terms[buckets] = codes                       # one bigram per bucket, for display
    counts = sp.csr_matrix((np.ones(len(codes), dtype=np.float32), (doc[:-1][valid], buckets)),
                           shape=(n, BUCKETS))  # duplicates are summed: term frequencies
    counts.sum_duplicates()
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    cols, tf = counts.indices, counts.data
    df = np.bincount(cols, minlength=BUCKETS)
    informative = df[cols] <= max(min_df, max_df * n)
    rows, cols, tf = rows[informative], cols[informative], tf[informative]
    weight = (1.0 + np.log(tf)) * (np.log((1.0 + n) / (1.0 + df[cols])) + 1.0)
    # the norm of the whole text: bigrams no other text shares still make it less alike others
    norms = np.sqrt(np.bincount(rows, weights=weight * weight, minlength=n))
    shared = df[cols] >= min_df
    rows, cols, weight = rows[shared], cols[shared], weight[shared]
    full = sp.csr_matrix(((weight / norms[rows]).astype(np.float32), (rows, cols)), shape=(n, BUCKETS))
    # the top_k heaviest terms of each text: one sort by (row, -weight)
    order = np.argsort(rows - weight / (weight.max() * 1.001), kind="quicksort")
    rows, cols, weight = rows[order], cols[order], weight[order]
    starts = np.searchsorted(rows, rows, side="left")
    top = (np.arange(len(rows)) - starts) < top_k
    rows, cols, weight = rows[top], cols[top], weight[top]
    weight = weight / norms[rows]
    matrix = sp.csr_matrix((weight.astype(np.float32), (rows, cols)), shape=(n, BUCKETS))
    return Sketches(matrix, terms, full, df)


def _bucket(codes: np.ndarray) -> np.ndarray:
    """Multiplicative (Fibonacci) hashing of the bigram codes into BUCKETS columns."""
    mixed = codes.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return (mixed >> np.uint64(64 - BUCKET_BITS)).astype(np.int64)


def similar_pairs(matrix: sp.csr_matrix, threshold: float,
                  budget: float = 1.5e7) -> sp.csr_matrix:
    """The symmetric graph of texts whose sketch cosine is ≥ threshold (no self loops).

    The product costs Σ df² over the sketch columns; when that exceeds `budget`, the columns in
    the most sketches (the least distinctive) are left out until it fits, so the time is bounded.
    """
    column_df = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float64)
    if (column_df ** 2).sum() > budget:
        order = np.argsort(-column_df)
        cost = np.cumsum((column_df[order] ** 2)[::-1])[::-1]   # cost of the columns from i on
        cut = int(np.argmax(cost <= budget))
        matrix = matrix.copy()
        matrix.data[np.isin(matrix.indices, order[:cut])] = 0
        matrix.eliminate_zeros()
    product = (matrix @ matrix.T).tocsr()
    product.data[product.data < threshold] = 0
    product.setdiag(0)
    product.eliminate_zeros()
    return product


def star_groups(graph: sp.csr_matrix) -> list[np.ndarray]:
    """Star clustering: the text with most neighbours becomes a centre and takes its still
    ungrouped neighbours; repeat. Every member is similar to its centre (no single-link
    chaining). Returns the groups of ≥ 2 texts, centre first."""
    degree = np.diff(graph.indptr)
    assigned = np.zeros(graph.shape[0], dtype=bool)
    groups = []
    for centre in np.argsort(-degree, kind="stable"):
        if degree[centre] == 0:
            break
        if assigned[centre]:
            continue
        neighbours = graph.indices[graph.indptr[centre]:graph.indptr[centre + 1]]
        members = neighbours[~assigned[neighbours]]
        if len(members) == 0:
            continue
        assigned[centre] = True
        assigned[members] = True
        groups.append(np.concatenate(([centre], members)))
    return groups
