"""Quality and speed of the P18 common-problem grouping (app/services/signals/common_problems.py).

    .venv/bin/python bench/common_problems_eval.py [--texts 10000] [--surge 300] [--seed 0]
        [--similarity S] [--repeat 3] [--real ../shared/data/routing/train.csv]

Synthetic part: `--texts` demands drawn like `flask qisu generate-history` draws them (kinds,
domains, the generator's own templates via `history_texts.labelled_demand_text`), `--surge` of
them the injected 小榄镇 appointment complaints, from a pool of enterprises (one per 300 cases of
a 400k history), within ten days. Ground truth = the generator's template, with the item for
templates about an item (咨询{item}如何办理 about 排污许可证 and about 社保缴费基数 are two
problems; the place is not: the places are generic); the four surge templates and the 市场监管
template "预约办理行政服务中心业务困难…" are one problem (预约难).

Printed: groups kept, share of texts grouped, purity (grouped texts whose group's majority label
is theirs), homogeneity / completeness / adjusted Rand index (sklearn.metrics; an ungrouped text
is its own cluster), the surge's groups and the share of it in the largest, examples of titles
and keywords, and the time of the grouping itself (sketch, graph, clusters, descriptions; no
database) — best of `--repeat`.

Real part (`--real`): the routing corpus's messages (real complaints of a city hotline, each from
its own sender), grouped the same way; a group should not mix domains, so its domain purity
(grouped messages whose group's majority domain is theirs) is printed with the number of groups.
Figures only; nothing asserts on them.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter, namedtuple
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn import metrics  # noqa: E402

from app.services.signals import common_problems as cp  # noqa: E402
from app.demo.history_model import DOMAIN_WEIGHTS, KINDS, OTHER_DOMAINS  # noqa: E402
from app.demo.history_texts import (labelled_demand_text,  # noqa: E402
                                                labelled_surge_text)

Row = namedtuple("Row", "id number description town domain kind created_at enterprise_id unit_id")
APPOINTMENT = {"市场监管/4"}  # the generator's ordinary template about the same problem as the surge


def synthetic(texts: int, surge: int, seed: int):
    rng = random.Random(seed)
    enterprises = max(150, min(3000, 400_000 // 300))
    now = datetime(2026, 6, 1)
    kinds, kind_w = zip(*KINDS)
    rows, labels = [], []
    for i in range(texts):
        in_surge = i < surge
        if in_surge:
            text, template = labelled_surge_text(rng)
            item, domain, kind = "", "市场监管", "投诉"
        else:
            kind = rng.choices(kinds, weights=kind_w)[0]
            weights = DOMAIN_WEIGHTS.get(kind, OTHER_DOMAINS)
            domain = rng.choices(list(weights), weights=list(weights.values()))[0]
            text, template, item = labelled_demand_text(rng, domain)
        label = "appointment" if template.startswith("surge/") or template in APPOINTMENT \
            else f"{template}|{item}"
        created = now - timedelta(seconds=rng.uniform(0, 10 * 86400))
        rows.append(Row(i, f"N{i}", text, "小榄镇" if in_surge else "板芙镇", domain, kind,
                        created, rng.randrange(enterprises), None))
        labels.append(label)
    return rows, labels


def real(path: str):
    with open(path, encoding="utf-8") as f:
        data = [(r["text"], r["label"]) for r in csv.DictReader(f)]
    now = datetime(2026, 6, 1)
    rows = [Row(i, f"R{i}", text, None, label, None, now - timedelta(seconds=i), i, None)
            for i, (text, label) in enumerate(data)]
    return rows, [label for _, label in data]


TIMES: list[tuple[float, float]] = []   # (wall, cpu) of each run, the first one cold (jieba)


def run(rows, conf, repeat: int, limit: int = 10_000):
    best, groups = float("inf"), None
    TIMES.clear()
    for k in range(repeat):
        cp.clear_cache()
        if k == 0 and hasattr(cp, "group_keywords"):
            cp.group_keywords.words_of.cache_clear()
        started, cpu = time.perf_counter(), time.process_time()
        groups, total = cp._group(rows, [], conf, limit=limit)
        TIMES.append((time.perf_counter() - started, time.process_time() - cpu))
        best = min(best, TIMES[-1][0])
    return groups, best


def assignment(rows, groups):
    cluster = [-1 - i for i in range(len(rows))]     # ungrouped: a cluster of its own
    for g, group in enumerate(groups):
        for case in group["cases"]:
            cluster[case["id"]] = g
    return cluster


def purity(groups, labels) -> tuple[float, int]:
    right = grouped = 0
    for group in groups:
        counts = Counter(labels[c["id"]] for c in group["cases"])
        right += counts.most_common(1)[0][1]
        grouped += len(group["cases"])
    return (right / grouped if grouped else 0.0), grouped


def report_synthetic(args, conf):
    rows, labels = synthetic(args.texts, args.surge, args.seed)
    groups, seconds = run(rows, conf, args.repeat)
    cluster = assignment(rows, groups)
    pure, grouped = purity(groups, labels)
    print(f"synthetic: {len(rows)} texts ({args.surge} surge), {len(set(labels))} true problems, "
          f"similarity {conf['similarity']}")
    print(f"  groups kept {len(groups)}, texts grouped {grouped / len(rows):.1%}, "
          f"purity {pure:.3f}")
    print(f"  homogeneity {metrics.homogeneity_score(labels, cluster):.3f}, "
          f"completeness {metrics.completeness_score(labels, cluster):.3f}, "
          f"ARI {metrics.adjusted_rand_score(labels, cluster):.3f}")
    templates = [label.split("|")[0] for label in labels]
    print(f"  by template alone (items not told apart, {len(set(templates))} problems): "
          f"purity {purity(groups, templates)[0]:.3f}, "
          f"homogeneity {metrics.homogeneity_score(templates, cluster):.3f}, "
          f"completeness {metrics.completeness_score(templates, cluster):.3f}, "
          f"ARI {metrics.adjusted_rand_score(templates, cluster):.3f}")
    appointment = [i for i, label in enumerate(labels) if label == "appointment"]
    where = Counter(cluster[i] for i in appointment)
    largest = max((n for g, n in where.items() if g >= 0), default=0)
    print(f"  预约难 ({len(appointment)} texts): in {sum(1 for g in where if g >= 0)} groups, "
          f"largest holds {largest / len(appointment):.1%}, ungrouped "
          f"{sum(n for g, n in where.items() if g < 0)}")
    true_groups = Counter(label for label in labels)
    split = Counter()
    for label, g in zip(labels, cluster):
        if g >= 0:
            split[label] += 0
    per_label = {}
    for label, g in zip(labels, cluster):
        if g >= 0:
            per_label.setdefault(label, set()).add(g)
    many = sum(1 for label, gs in per_label.items() if len(gs) > 1)
    print(f"  true problems split over > 1 group: {many} of {len(per_label)} grouped "
          f"({len(true_groups)} in all)")
    print(f"  grouping time {seconds * 1000:.0f} ms (best of {args.repeat}; all groups described)")
    run(rows, conf, args.repeat, limit=50)
    print("  with the default limit of 50 described groups, wall/CPU ms per run (first: jieba "
          "cold): " + ", ".join(f"{w * 1000:.0f}/{c * 1000:.0f}" for w, c in TIMES))
    for group in groups[:args.show]:
        print(f"    {group['count']:5d}  {group['title']}  [{'、'.join(group['keywords'])}]")


def report_real(args, conf):
    rows, labels = real(args.real)
    groups, seconds = run(rows, conf, args.repeat)
    cluster = assignment(rows, groups)
    pure, grouped = purity(groups, labels)
    mixed = sum(1 for g in groups
                if len({labels[c["id"]] for c in g["cases"]}) > 1)
    print(f"real ({args.real}): {len(rows)} messages, {len(groups)} groups, "
          f"{grouped} messages grouped, domain purity {pure:.3f}, "
          f"multi-domain groups {mixed}, time {seconds * 1000:.0f} ms")
    for group in sorted(groups, key=lambda g: -g["count"])[:args.show]:
        domains = Counter(labels[c["id"]] for c in group["cases"])
        print(f"    {group['count']:4d}  {group['title']}  [{'、'.join(group['keywords'])}]  "
              f"{dict(domains)}")
    del cluster


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--surge", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--similarity", type=float, default=None)
    parser.add_argument("--merge", type=float, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", type=int, default=8)
    parser.add_argument("--real", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "routing"
                                                  / "train.csv"))
    args = parser.parse_args()
    conf = dict(cp.DEFAULTS)
    if args.merge is not None:
        conf["merge_similarity"] = args.merge
    if args.similarity is not None:
        conf["similarity"] = args.similarity
    report_synthetic(args, conf)
    if args.real and Path(args.real).exists():
        report_real(args, conf)


if __name__ == "__main__":
    main()
