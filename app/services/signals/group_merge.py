"""Second pass of the P18 common-problem grouping: star groups about the same problem are merged.

Star clustering (text_sketch.star_groups) keeps every member similar to its centre, so a problem
told in several ways (or by hundreds of demands, whose sketch columns the bounded product leaves
out) comes out as several stars. Here each star is summarised by its centroid — the mean of its
members' full TF-IDF vectors, L2-normalised — and the stars are clustered by average linkage on
the cosine similarity of their centroids (scipy), cut at `threshold`: two stars are merged when
their centroids are, on average over the stars of the two sides, at least that similar. Stars are
few (hundreds), so the dense similarity matrix and the linkage are cheap; the result is
deterministic (ties keep the order of the stars).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage


def centroids(full: sp.csr_matrix, groups: list[np.ndarray]) -> sp.csr_matrix:
    """The L2-normalised mean of the members' rows of `full`, one row per group."""
    sizes = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
    members = np.concatenate(groups) if groups else np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(groups)), sizes)
    indicator = sp.csr_matrix((np.ones(len(members), np.float32), (owner, members)),
                              shape=(len(groups), full.shape[0]))
    sums = (indicator @ full).tocsr()
    norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ sums


def merge(full: sp.csr_matrix, groups: list[np.ndarray], threshold: float) -> list[np.ndarray]:
    """Groups whose centroids are similar (average linkage, cosine ≥ threshold) joined; the
    members of each result keep the order of its stars (largest star first)."""
    if len(groups) < 2 or threshold >= 1.0:
        return groups
    vectors = centroids(full, groups)
    similarity = (vectors @ vectors.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    condensed = distance[np.triu_indices(len(groups), k=1)]
    labels = fcluster(linkage(condensed, method="average"), t=1.0 - threshold,
                      criterion="distance")
    joined: dict[int, list[np.ndarray]] = {}
    for star, label in enumerate(labels):
        joined.setdefault(int(label), []).append(groups[star])
    return [np.concatenate(stars) for stars in joined.values()]


def by_typicality(full: sp.csr_matrix, members: np.ndarray) -> np.ndarray:
    """The members, nearest the group's centroid (the most typical text) first; ties keep the
    members' order."""
    rows = full[members]
    centre = sp.csr_matrix(np.ones((1, len(members)), np.float32)) @ rows
    scores = (rows @ centre.T).toarray().ravel()
    return members[np.argsort(-scores, kind="stable")]


def cluster(texts: list[str], sketches, similarity: float, merge_similarity: float,
            star_groups, similar_pairs) -> list[np.ndarray]:
    """The groups of `texts` (indices, most typical first is not implied): identical texts are
    collapsed first — hundreds of copies of one text would otherwise make its sketch columns the
    most widespread, which the bounded product leaves out — then star clustering on the distinct
    texts (a distinct text repeated is a group of its own), then `merge`."""
    keys = [" ".join(t.split()) for t in texts]
    first: dict[str, int] = {}
    owner = np.fromiter((first.setdefault(k, len(first)) for k in keys), dtype=np.int64,
                        count=len(keys))
    distinct = np.zeros(len(first), dtype=np.int64)
    distinct[owner[::-1]] = np.arange(len(keys) - 1, -1, -1)     # first occurrence of each
    order = np.argsort(owner, kind="stable")
    copies = np.split(order, np.cumsum(np.bincount(owner, minlength=len(first)))[:-1])
    graph = similar_pairs(sketches.matrix[distinct], similarity)
    stars = star_groups(graph)
    taken = np.zeros(len(first), dtype=bool)
    for star in stars:
        taken[star] = True
    stars += [np.array([u]) for u in np.flatnonzero(~taken) if len(copies[u]) > 1]
    groups = [np.concatenate([copies[u] for u in star]) for star in stars]
    return merge(sketches.full, groups, merge_similarity)
