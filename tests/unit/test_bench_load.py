"""Pure helpers of the load benchmark (bench/load_client.py, bench/load_explain.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from load_client import percentile  # noqa: E402
from load_explain import seq_scans  # noqa: E402


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0


def test_seq_scans_flags_only_large_scans():
    plan = ["Limit  (cost=0.00..1.00 rows=1 width=4) (actual time=0.1..80.0 rows=1 loops=1)",
            "  ->  Seq Scan on outbox  (cost=0.00..2.00 rows=1 width=4) (actual time=0.1..80.0 rows=1 loops=1)",
            "        Filter: (sent_at IS NULL)",
            "        Rows Removed by Filter: 1000000",
            "  ->  Seq Scan on units  (cost=0.00..1.17 rows=17 width=4) (actual time=0.0..0.0 rows=17 loops=1)"]
    assert seq_scans(plan) == ["outbox (1,000,001 rows read)"]
    assert seq_scans(["Index Scan using cases_pkey on cases (actual time=0.0..0.0 rows=1 loops=1)"]) == []
