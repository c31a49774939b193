"""The distributions of synthetic history (pure Python, no database).

Roughly what a city's enterprise hotline sees (DOMAIN.md P18): most contacts by phone; about half
are consultations, most of which the agent answers directly; consultation hotspots in social and
medical insurance, complaint hotspots in urban management and market supervision; satisfaction
about 92 %, on-time resolution about 98–99 %; a few returns, extensions and dissatisfied ratings.
In the last four days a surge of complaints from 小榄镇: enterprises cannot book appointments at
the administrative service centre (seed 000).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from app.clock import local
from app.domain.vocab import DOMAINS

from .history_texts import DIRECT_REPLIES, REPLIES, demand_text, surge_text

CASE_COLUMNS = (
    "number", "status", "current_step", "channel", "kind", "domain", "town", "description",
    "contact_phone", "enterprise_id", "unit_id", "suggested_unit_code", "red_list", "direct_reply",
    "reply_result", "reply_text", "rating", "matter_class", "overdue", "dissatisfied_rounds",
    "deployment_id", "created_at", "updated_at", "closed_at", "version", "predicted_domain",
    "domain_confidence", "auto_dispatched", "dispatched_at", "handling_seconds", "response_on_time",
    "solution_on_time", "resolution_on_time", "returns_count", "extensions_count")

CHANNELS = (("phone", 62), ("web", 24), ("app", 11), ("api", 3))
KINDS = (("咨询", 46), ("求助", 19), ("投诉", 22), ("建议", 9), ("表扬", 4))
DOMAIN_WEIGHTS = {
    "咨询": {"劳动和社会保障": 22, "医疗保障": 16, "税务": 12, "公积金": 9, "市场监管": 9, "城乡建设": 5,
           "教育文体": 6, "商贸旅游": 5, "环境保护": 3, "卫生计生": 4, "交通运输": 4, "城市管理": 2,
           "水电气": 3},
    "投诉": {"城市管理": 22, "市场监管": 18, "环境保护": 12, "劳动和社会保障": 10, "水电气": 9,
           "交通运输": 8, "城乡建设": 8, "税务": 3, "医疗保障": 3, "卫生计生": 2, "教育文体": 2,
           "商贸旅游": 2, "公积金": 1},
}
OTHER_DOMAINS = {d: 5 for d in DOMAINS} | {"城市管理": 9, "城乡建设": 8, "水电气": 8, "交通运输": 7}
TOWN_BIAS = {("小榄镇", "市场监管"): 1.6, ("小榄镇", "水电气"): 1.5, ("火炬开发区", "税务"): 1.6,
             ("火炬开发区", "劳动和社会保障"): 1.5, ("古劳镇", "商贸旅游"): 2.2,
             ("古劳镇", "环境保护"): 1.6, ("板芙镇", "城市管理"): 1.7, ("板芙镇", "城乡建设"): 1.6}
DOMAIN_UNIT = {"劳动和社会保障": "rsj", "城乡建设": "zjj", "教育文体": "jyj", "商贸旅游": "swj",
               "环境保护": "sthjj", "卫生计生": "wjj", "交通运输": "jtj", "市场监管": "scjgj",
               "城市管理": "cgj", "税务": "swu", "医疗保障": "ybj", "公积金": "gjj", "水电气": "sdq"}
TOWN_UNIT = {"板芙镇": "bfz", "古劳镇": "glz", "小榄镇": "xlz", "火炬开发区": "hjq"}
RATINGS = (("非常满意", 61), ("满意", 31), ("基本满意", 5), ("不满意", 2.3), ("非常不满意", 0.7))
DEADLINE_DAYS = {"general": 7, "utilities": 1, "urgent": 2 / 24, "complex": 15}
SURGE_DAYS = 4


@dataclass
class Context:
    units: dict          # code -> id
    enterprises: list    # (id, town, red_list, phone)
    deployment_id: int
    now: datetime


def _cum(pairs):
    keys = [k for k, _ in pairs]
    return keys, list(accumulate(w for _, w in pairs))


def case_rows(rng: random.Random, ctx: Context, total: int, days: int, first_id: int, batch: int):
    """Yield (case rows, audit rows) in batches of `batch` cases, oldest first."""
    surge = min(total // 10, max(30, int(total * 0.0003))) if days > SURGE_DAYS else 0
    times = [(t, False) for t in _times(rng, ctx.now, total - surge, days)]
    surge_start = ctx.now - timedelta(days=SURGE_DAYS)
    times += [(surge_start + timedelta(seconds=rng.uniform(0, SURGE_DAYS * 86400 - 3600)), True)
              for _ in range(surge)]
    times.sort(key=lambda item: item[0])
    model = _Model(rng, ctx)
    rows, audit = [], []
    for index, (created, in_surge) in enumerate(times):
        case_id = first_id + index
        row, events = model.case(case_id, created, in_surge)
        rows.append(row)
        audit.extend(events)
        if len(rows) >= batch:
            yield rows, audit
            rows, audit = [], []
    if rows:
        yield rows, audit


def _times(rng, now, count, days) -> list[datetime]:
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    weights = []
    for d in range(days):
        day = start + timedelta(days=d)
        weekday = local(day + timedelta(hours=12)).weekday()
        weights.append((0.35 if weekday >= 5 else 1.0) * (0.8 + 0.4 * d / days))
    picks = rng.choices(range(days), cum_weights=list(accumulate(weights)), k=count)
    hours = [h for h in range(24)]
    hour_w = list(accumulate(0.3 if h < 8 or h >= 20 else 2.5 if 9 <= h <= 17 else 1.0 for h in hours))
    result = []
    for d in picks:
        hour = rng.choices(hours, cum_weights=hour_w)[0]
        moment = start + timedelta(days=d, hours=hour - 8, seconds=rng.randrange(3600))
        result.append(min(moment, now - timedelta(minutes=1)))
    return result


class _Model:
    def __init__(self, rng: random.Random, ctx: Context):
        self.rng, self.ctx = rng, ctx
        self.channels = _cum(CHANNELS)
        self.kinds = _cum(KINDS)
        self.domains = {kind: _cum(list(DOMAIN_WEIGHTS.get(kind, OTHER_DOMAINS).items()))
                        for kind, _ in KINDS}
        self.ratings = _cum(RATINGS)
        self.by_town: dict[str, list] = {}
        for ent in ctx.enterprises:
            self.by_town.setdefault(ent[1], []).append(ent)
        self.towns = sorted(self.by_town)
        self.town_weights = {d: [len(self.by_town[t]) * TOWN_BIAS.get((t, d), 1.0) for t in self.towns]
                             for d in DOMAINS}
        self.unit_codes = sorted(ctx.units)

    def pick(self, pair):
        return self.rng.choices(pair[0], cum_weights=pair[1])[0]

    def case(self, case_id: int, created: datetime, surge: bool):
        rng, ctx = self.rng, self.ctx
        if surge:
            kind, domain, town, channel = "投诉", "市场监管", "小榄镇", self.pick(self.channels)
            text = surge_text(rng)
        else:
            kind = self.pick(self.kinds)
            domain = self.pick(self.domains[kind])
            town = rng.choices(self.towns, weights=self.town_weights[domain])[0]
            channel = self.pick(self.channels)
            text = demand_text(rng, domain)
        ent_id, _, red, phone = rng.choice(self.by_town.get(town) or ctx.enterprises)
        number = f"LS{local(created):%Y%m%d}-{case_id:08d}"
        direct = kind == "咨询" and channel == "phone" and rng.random() < 0.72 and not surge
        base = {"number": number, "channel": channel, "kind": kind, "domain": domain, "town": town,
                "description": text, "contact_phone": phone, "enterprise_id": ent_id,
                "red_list": red, "deployment_id": ctx.deployment_id, "created_at": created,
                "version": 1, "dissatisfied_rounds": 0, "overdue": False, "returns_count": 0,
                "extensions_count": 0, "auto_dispatched": False, "matter_class": "general"}
        if direct:
            base.update(self._direct(created))
            return (case_id, *(base.get(c) for c in CASE_COLUMNS)), []
        extra, events = self._dispatched(case_id, created, domain, town, kind, red)
        base.update(extra)
        return (case_id, *(base.get(c) for c in CASE_COLUMNS)), events

    def _direct(self, created):
        seconds = self.rng.randint(120, 900)
        closed = created + timedelta(seconds=seconds)
        if closed > self.ctx.now:
            closed, seconds = self.ctx.now, max(1, int((self.ctx.now - created).total_seconds()))
        return {"status": "direct_replied", "direct_reply": self.rng.choice(DIRECT_REPLIES),
                "closed_at": closed, "updated_at": closed, "handling_seconds": seconds}

    def _dispatched(self, case_id, created, domain, town, kind, red):
        rng, now = self.rng, self.ctx.now
        matter = "utilities" if domain == "水电气" and rng.random() < 0.6 else \
            rng.choices(("general", "complex", "urgent"), weights=(88, 8, 4))[0]
        right = DOMAIN_UNIT[domain] if rng.random() > 0.15 else TOWN_UNIT.get(town, DOMAIN_UNIT[domain])
        dispatched = created + timedelta(minutes=rng.uniform(3, 90 if not red else 30))
        out = {"matter_class": matter, "suggested_unit_code": right}
        events = []
        returns = 1 if rng.random() < 0.03 else 0
        returns += 1 if returns and rng.random() < 0.1 else 0
        if returns:
            wrong = rng.choice([c for c in self.unit_codes if c != right])
            events.append((case_id, dispatched + timedelta(minutes=rng.uniform(20, 110)),
                           "系统(历史数据)", "system", "redispatch",
                           {"unit_id": self.ctx.units[wrong]}, {"unit_code": right}))
            events *= returns
        deadline = DEADLINE_DAYS[matter] * 86400
        extensions = 1 if rng.random() < (0.04 if matter != "urgent" else 0.005) else 0
        median = deadline * (0.22 if red else 0.3)
        seconds = int(min(median * math.exp(rng.gauss(0, 0.55)), deadline * 2.5)) + 3600
        if kind == "表扬":
            seconds = rng.randint(3600, 2 * 86400)
        limit = deadline * (1.5 if extensions else 1.0)
        unit_id = self.ctx.units.get(right) if dispatched <= now else None
        out.update({"unit_id": unit_id, "dispatched_at": dispatched if unit_id else None,
                    "auto_dispatched": bool(unit_id) and rng.random() < 0.3,
                    "predicted_domain": domain, "domain_confidence": round(rng.uniform(0.4, 0.99), 3),
                    "returns_count": returns, "extensions_count": extensions})
        closed = created + timedelta(seconds=seconds)
        elapsed = (now - created).total_seconds()
        response_ok = rng.random() < (0.995 if red else 0.97)
        solution_ok = rng.random() < (0.99 if red else 0.96)
        out["response_on_time"] = response_ok if elapsed > 3600 and unit_id else None
        out["solution_on_time"] = solution_ok if elapsed > 86400 and unit_id else None
        if closed > now:  # still open
            out.update(self._open(elapsed, unit_id, limit))
            return out, events
        on_time = seconds <= limit
        out.update({"status": "closed", "closed_at": closed, "updated_at": closed,
                    "handling_seconds": seconds, "resolution_on_time": on_time,
                    "overdue": not (on_time and response_ok and solution_ok),
                    "reply_result": "解决", "reply_text": rng.choice(REPLIES)})
        if kind != "表扬" and rng.random() < 0.88:
            rating = self.pick(self.ratings)
            unhappy = rating in ("不满意", "非常不满意")
            out["rating"] = rating
            out["dissatisfied_rounds"] = 1 if unhappy or rng.random() < 0.02 else 0
        return out, events

    def _open(self, elapsed, unit_id, limit):
        if unit_id is None:
            return {"status": "dispatching", "current_step": "派单", "updated_at": self.ctx.now}
        status, step = ("signing", "签收") if elapsed < 3600 else \
            ("proposing", "提出方案") if elapsed < 86400 else ("replying", "答复")
        return {"status": status, "current_step": step, "updated_at": self.ctx.now,
                "overdue": elapsed > limit}
