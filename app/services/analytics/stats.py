"""Nearest-rank percentiles, as the dashboard's P90 (docs/insight.md): the smallest value with
at least the share of values at or below it; identical on every database."""
from __future__ import annotations

import math


def nearest_rank(sorted_values: list, share: float):
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]
