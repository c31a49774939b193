"""P18 共性问题: demands from different enterprises about the same problem, grouped together.

Method (see docs/insight.md "Common problems and surge alerts"):
1. the most recent `max_texts` demands of the period and filters are read (one indexed range
   query on `cases.created_at`); older ones are left out and the result says so;
2. each demand text becomes a TF-IDF sketch of its most distinctive character bigrams
   (`text_sketch.sketch`), and two demands are similar when their sketch cosine is ≥ `similarity`;
   with filters, the document frequencies also count the period's `reference_texts` most recent
   other demands, so that "distinctive" means distinctive in the period, not within the filter;
3. identical texts are collapsed, then star clustering groups them: the text with most similar
   neighbours becomes a centre and takes its still ungrouped neighbours, and so on;
4. stars about the same problem are merged by average linkage on their centroids
   (`group_merge`); the member nearest the centroid gives the group's title and text, and the
   keywords are jieba words ranked by coverage² × idf (`group_keywords`);
5. groups with demands from ≥ `min_enterprises` distinct enterprises are kept, largest first.

Results are cached for a few minutes under the filters and the matching cases' count and newest
id, so a new or deleted case gives a fresh analysis and repeated page loads are instant.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.clock import iso
from app.db.models import Case, Enterprise, Unit
from app.services.runtime import TtlCache

DEFAULTS = {"max_texts": 10_000, "similarity": 0.25, "merge_similarity": 0.25, "top_k": 20,
            "min_enterprises": 2, "reference_texts": 5_000}
_CACHE = TtlCache(seconds=300, size=256)
FILTER_KEYS = ("town", "domain", "kind", "unit_id", "channel", "red_list")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(r"[，,、：:]")


@dataclass(frozen=True)
class ProblemQuery:
    start: datetime            # naive UTC, inclusive
    end: datetime              # naive UTC, exclusive
    town: str | None = None
    domain: str | None = None
    kind: str | None = None
    unit_id: int | None = None
    channel: str | None = None
    red_list: bool | None = None   # True: only red-list enterprises, False: without them
    limit: int = 50

    def filtered(self) -> bool:
        return any(v is not None for v in (self.town, self.domain, self.kind, self.unit_id,
                                           self.channel, self.red_list))


def settings(rt) -> dict:
    return {**DEFAULTS, **rt.settings.get("common_problems", {})}


def _filters(q: ProblemQuery) -> list:
    conditions = [Case.created_at >= q.start, Case.created_at < q.end]
    for column, value in ((Case.town, q.town), (Case.domain, q.domain), (Case.kind, q.kind),
                          (Case.unit_id, q.unit_id), (Case.channel, q.channel),
                          (Case.red_list, q.red_list)):
        if value is not None:
            conditions.append(column == value)
    return conditions


def common_problems(rt, query: ProblemQuery) -> dict[str, Any]:
    """The groups of similar demands of the period (see the module docstring)."""
    conf = settings(rt)
    with rt.uow() as uow:
        s = uow.session
        matched, newest = s.execute(select(func.count(), func.max(Case.id))
                                    .where(*_filters(query))).one()
        key = (id(rt), query, matched, newest, tuple(sorted(conf.items())))
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        rows = s.execute(select(Case.id, Case.number, Case.description, Case.town, Case.domain,
                                Case.kind, Case.created_at, Case.enterprise_id, Case.unit_id)
                         .where(*_filters(query))
                         .order_by(Case.created_at.desc(), Case.id.desc())
                         .limit(conf["max_texts"])).all()
        reference = _reference_texts(s, query, {r.id for r in rows}, conf["reference_texts"])
        groups, total = _group(rows, reference, conf, query.limit)
        _name_things(s, groups)
    result = {
        "period": {"start": iso(query.start), "end": iso(query.end)},
        "filters": {k: v for k, v in asdict(query).items()
                    if k in FILTER_KEYS and v is not None},
        "matched": matched, "analysed": len(rows), "cap": conf["max_texts"],
        "capped": matched > len(rows), "similarity": conf["similarity"],
        "min_enterprises": conf["min_enterprises"], "total_groups": total, "groups": groups,
    }
    result["note"] = _note(result)
    _CACHE.put(key, result)
    return result


def _note(result: dict) -> str:
    if result["capped"]:
        return (f"本期共 {result['matched']} 件诉求，仅分析了最近的 {result['analysed']} 件"
                f"（上限 {result['cap']} 件）。")
    return f"分析了本期全部 {result['analysed']} 件诉求。"


def _reference_texts(session, query: ProblemQuery, taken: set[int], limit: int) -> list[str]:
    """With filters, the period's other recent demands: the document frequencies (what is
    common, what is distinctive) come from the whole period, not only from the filtered cases,
    which may all be about the same thing (e.g. one town during a backlog)."""
    if limit <= 0 or not query.filtered():
        return []
    found = session.execute(select(Case.id, Case.description)
                            .where(Case.created_at >= query.start, Case.created_at < query.end)
                            .order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)).all()
    return [text or "" for case_id, text in found if case_id not in taken]


def _group(rows, reference: list[str], conf, limit: int) -> tuple[list[dict], int]:
    """Star-cluster the texts; keep groups from enough distinct enterprises, largest first;
    describe the first `limit` of them. Returns (described groups, number of groups)."""
    from . import group_merge, text_sketch  # numpy/scipy/jieba: on first use, not at start-up
    if len(rows) < 2:
        return [], 0
    texts = [r.description or "" for r in rows]
    sketches = text_sketch.sketch(texts + reference, top_k=conf["top_k"])
    sketches.matrix = sketches.matrix[:len(rows)]
    sketches.full = sketches.full[:len(rows)]
    kept = []
    for members in group_merge.cluster(texts, sketches, conf["similarity"],
                                       conf["merge_similarity"], text_sketch.star_groups,
                                       text_sketch.similar_pairs):
        enterprises = {rows[i].enterprise_id for i in members}
        if len(enterprises) >= conf["min_enterprises"]:
            newest = max(rows[i].created_at for i in members)
            kept.append((-len(members), -len(enterprises), -newest.timestamp(), members))
    kept.sort(key=lambda g: g[:3])
    corpus = len(texts) + len(reference)
    return [_describe(rows, g[3], sketches, corpus) for g in kept[:limit]], len(kept)


def _describe(rows, members: np.ndarray, sketches, corpus: int) -> dict:
    import numpy as np

    from . import group_keywords, group_merge
    typical = group_merge.by_typicality(sketches.full, members)
    centre = rows[int(typical[0])]
    spread = np.unique(np.linspace(0, len(typical) - 1, min(200, len(typical))).astype(int))
    sample = [rows[int(i)].description or "" for i in typical[spread]]
    chosen = sorted((rows[int(i)] for i in members), key=lambda r: (r.created_at, r.id))
    return {
        "count": len(chosen),
        "enterprise_ids": _distinct(r.enterprise_id for r in chosen),
        "towns": _distinct(r.town for r in chosen),
        "unit_ids": _distinct(r.unit_id for r in chosen),
        "domains": _distinct(r.domain for r in chosen),
        "kinds": _distinct(r.kind for r in chosen),
        "title": title_of(centre.description or ""),
        "text": (centre.description or "")[:300],
        "keywords": group_keywords.keywords(sample, sketches.df, corpus),
        "cases": [{"id": r.id, "number": r.number, "created_at": iso(r.created_at),
                   "enterprise_id": r.enterprise_id} for r in chosen],
        "first_at": iso(chosen[0].created_at), "last_at": iso(chosen[-1].created_at),
    }


def _distinct(values) -> list:
    seen = []
    for value in values:
        if value is not None and value != "" and value not in seen:
            seen.append(value)
    return seen


def title_of(text: str, length: int = 30) -> str:
    """The first sentence of a demand, as its title. A longer one is cut after its last clause
    that fits (or at `length` when no clause ends early enough), and "…" shows the cut."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    if len(first) <= length:
        return first
    ends = [m.start() for m in _CLAUSE_END.finditer(first, 0, length + 1)]
    cut = ends[-1] if ends and ends[-1] >= length // 3 else length
    return first[:cut].rstrip() + "…"


def _name_things(session, groups: list[dict]) -> None:
    """Enterprise and unit names for the groups shown (one query each)."""
    enterprise_ids = {i for g in groups for i in g["enterprise_ids"]}
    names = dict(session.execute(select(Enterprise.id, Enterprise.name)
                                 .where(Enterprise.id.in_(enterprise_ids))).all()) \
        if enterprise_ids else {}
    units = {u.id: u for u in session.scalars(select(Unit))}
    for rank, group in enumerate(groups, start=1):
        group["rank"] = rank
        group["enterprises"] = [names.get(i, str(i)) for i in group["enterprise_ids"]]
        group["enterprise_count"] = len(group["enterprise_ids"])
        group["units"] = [units[i].name for i in group["unit_ids"] if i in units]
        group["unit_codes"] = [units[i].code for i in group["unit_ids"] if i in units]
        for case in group["cases"]:
            case["enterprise"] = names.get(case["enterprise_id"], "")


def clear_cache() -> None:
    _CACHE.clear()
