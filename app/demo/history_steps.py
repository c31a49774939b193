"""The trail of synthetic history for process analytics (issue 21): the user tasks each generated
case passed (`human_tasks`, all done — history never shows in a worklist) and its finished
deadline clocks (`sla_clocks`, deadlines from the deployed `sla.dmn` and the work calendar), derived
from the case row the history model wrote (dispatch and closing times, returns, extensions,
rating, on-time flags). Cases answered directly have neither."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

TASK_COLUMNS = ("id", "case_id", "spec_name", "title", "lane", "role", "unit_id", "enterprise_id",
                "form", "status", "red_list", "deadline_clock", "due_at", "created_at",
                "completed_at")
CLOCK_COLUMNS = ("case_id", "clock", "round", "calendar", "started_at", "warn_at", "due_at",
                 "warned_at", "met_at", "violated_at", "outcome", "extensions")
# element -> (title, lane, role, deadline clock)
TASKS = {
    "dispatch": ("派单", "派单员", "dispatcher", None),
    "review_return": ("退单审核", "派单员", "dispatcher", None),
    "acknowledge_praise": ("表扬确认", "承办单位", "unit", None),
    "sign": ("签收", "承办单位", "unit", "response"),
    "contact": ("联系企业", "承办单位", "unit", "response"),
    "approve_extension": ("延期审批", "督办员", "supervisor", None),
    "propose": ("提出解决方案", "承办单位", "unit", "solution"),
    "reply": ("办结答复", "承办单位", "unit", "resolution"),
    "rate": ("评价", "企业", "enterprise", None),
    "revisit": ("回访", "督办员", "supervisor", None),
    "supervise": ("督办回访", "督办员", "supervisor", None),
}
CLOCKS = ("response", "solution", "resolution")


class Steps:
    """`deadlines(red_list, matter_class, kind, start)` → {clock: (calendar, warn_at, due_at)}."""

    def __init__(self, rng: random.Random, deadlines, now: datetime):
        self.rng, self.deadlines, self.now = rng, deadlines, now

    def of(self, case: dict) -> tuple[list, list]:
        if case.get("dispatched_at") is None or case["status"] == "direct_replied":
            return [], []
        rng, out, clocks = self.rng, [], []
        closed = case.get("closed_at")
        closing = closed or self.now
        dispatched = case["dispatched_at"]
        if not case.get("auto_dispatched"):
            self._task(out, case, "dispatch", case["created_at"], dispatched)
        span = (closing - dispatched).total_seconds()
        if case["kind"] == "表扬":
            if closed is not None:
                self._task(out, case, "acknowledge_praise", dispatched,
                           dispatched + timedelta(seconds=span * 0.95))
            return out, clocks
        delay = min(span * 0.1, rng.uniform(600, 2 * 86400))
        last_reply = closing - timedelta(seconds=delay)
        two = bool(case.get("dissatisfied_rounds")) and closed is not None
        first_end = dispatched + timedelta(seconds=span * 0.4) if two else last_reply
        replied = self._round(out, clocks, case, 1, dispatched, first_end, case.get("returns_count") or 0)
        if replied is None or closed is None:
            return out, clocks
        if two:
            rated = replied + timedelta(seconds=rng.uniform(600, 7200))
            self._task(out, case, "rate", replied, rated)
            supervised = rated + timedelta(seconds=rng.uniform(900, 4 * 3600))
            self._task(out, case, "supervise", rated, supervised)
            replied = self._round(out, clocks, case, 2, supervised, max(last_reply, supervised), 0)
            if replied is None:
                return out, clocks
        closing = max(closing, replied + timedelta(seconds=120))  # a late step ran past closing
        if case.get("rating"):
            self._task(out, case, "rate", replied, closing)
        else:  # no rating in time: the rating timer opens a revisit
            timeout = replied + (closing - replied) * 0.8
            self._task(out, case, "rate", replied, timeout, status="cancelled")
            self._task(out, case, "revisit", timeout, closing)
        return out, clocks

    def _round(self, out, clocks, case, round_no, begin, end, returns):
        """sign → (return → review → sign again) → contact → (extension) → propose → reply, from
        `begin` to `end` (or as far as now); the time of reply, or None if it did not happen."""
        rng = self.rng
        if end <= begin:
            end = begin + timedelta(seconds=600)
        ok = {c: case.get(f"{c}_on_time") for c in CLOCKS}
        deadlines = self.deadlines(bool(case["red_list"]), case["matter_class"], case["kind"], begin)
        due = {c: deadlines[c][2] for c in CLOCKS}
        total = (end - begin).total_seconds()
        response_s = total * rng.uniform(0.01, 0.05)
        limit = (due["response"] - begin).total_seconds()
        if ok["response"] is False and round_no == 1:
            response_s = limit * rng.uniform(1.05, 2.0)
        else:
            response_s = min(response_s, limit * rng.uniform(0.3, 0.98))
        t = begin
        for _ in range(returns):
            signed = t + timedelta(seconds=response_s * 0.3)
            self._task(out, case, "sign", t, signed)
            reviewed = signed + timedelta(seconds=rng.uniform(300, 3600))
            self._task(out, case, "review_return", signed, reviewed)
            t = reviewed
        marks = [t + timedelta(seconds=response_s * 0.4), t + timedelta(seconds=response_s)]
        solution_limit = (due["solution"] - begin).total_seconds()
        solution_s = max(response_s + 60, min(total * rng.uniform(0.2, 0.6), solution_limit * 0.97))
        if ok["solution"] is False and round_no == 1:
            solution_s = max(response_s + 60, solution_limit * rng.uniform(1.02, 1.6))
        marks.append(begin + timedelta(seconds=solution_s))
        marks.append(max(end, marks[-1] + timedelta(seconds=600)))
        names = ("sign", "contact", "propose", "reply")
        previous = t
        for name, moment in zip(names, marks):
            if moment > self.now:
                return None
            if name == "propose" and case.get("extensions_count"):
                asked = previous + timedelta(seconds=60)
                self._task(out, case, "approve_extension", asked, asked + timedelta(seconds=1800))
            self._task(out, case, name, previous, moment, due=due[TASKS[name][3]])
            previous = moment
        finished = {"response": marks[1], "solution": marks[2], "resolution": marks[3]}
        for clock in CLOCKS:
            calendar, warn, deadline = deadlines[clock]
            met = finished[clock]
            late = met > deadline
            clocks.append((case["id"], clock, round_no, calendar, begin, warn, deadline,
                           warn if met > warn else None, met, deadline if late else None,
                           "violated" if late else "met", 0))
        return marks[3]

    def _task(self, out, case, name, opened, done, status="completed", due=None):
        title, lane, role, clock = TASKS[name]
        out.append((f"h{case['id']:010d}-{len(out):02d}", case["id"], name, title, lane, role,
                    case.get("unit_id") if role == "unit" else None,
                    case["enterprise_id"] if role == "enterprise" else None, None,
                    status, bool(case["red_list"]), clock, due, opened, done))


