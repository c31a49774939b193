"""P4: versions of the domain classifier — train, store, activate, evaluate, and the active one.

A model is trained from labelled historical orders (a CSV with columns text,label) and/or from
the system's own closed cases (text = the demand, label = the domain the case finally had, so the
dispatchers' corrections teach the next version). The auto-dispatch threshold is chosen on the
training data by cross-validation (`DomainClassifier.choose_threshold`), never on evaluation data.
Each version is stored in `routing_models`; exactly one may be active, chosen by a command.
"""
from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import func, select, update

from app.clock import iso
from app.db.models import Case, RoutingAudit, RoutingModel
from app.domain.control_chars import CONTROL_MESSAGE, bad_character
from app.domain.errors import NotFound, ValidationFailed
from app.domain.vocab import DOMAINS
from app.routing_model import CONFIG_NAMES, DEFAULT_CONFIG  # the model itself: on first use
from app.routing_model.promise import audit_verdict, promise_of

from ..runtime import Runtime

log = logging.getLogger(__name__)
CLOSED_STATUSES = ("closed",)
MAX_CSV_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class ActiveModel:
    version: int
    threshold: float
    classifier: DomainClassifier

    def suggest(self, text: str) -> dict:
        """{"label", "confidence" (its probability), "score" (the confidence score compared with
        the threshold), "auto", "top": [[domain, p], ...], "model_version", "threshold"}"""
        suggestion = self.classifier.suggest(text or "", k=3)
        score = suggestion["score"]
        return {"label": suggestion["label"], "confidence": round(suggestion["confidence"], 4),
                "score": round(score, 4), "auto": score >= self.threshold, "threshold": self.threshold,
                "top": [[d, round(p, 4)] for d, p in suggestion["top"]], "model_version": self.version}


class _ModelCache:
    """Loaded classifiers by version (a version never changes, so entries never go stale).

    Loading one takes seconds (tens of MB to unpickle): the first request for a version loads it
    while the others asking for the same version wait for that one load instead of repeating it."""

    def __init__(self):
        self._items: dict[int, DomainClassifier] = {}
        self._lock = Lock()
        self._loading: dict[int, Lock] = {}

    def get(self, row: RoutingModel) -> DomainClassifier:
        with self._lock:
            if row.id in self._items:
                return self._items[row.id]
            loading = self._loading.setdefault(row.id, Lock())
        with loading:
            with self._lock:
                if row.id in self._items:
                    return self._items[row.id]
            from app.routing_model import DomainClassifier
            classifier = DomainClassifier.from_bytes(row.blob)
            with self._lock:
                if len(self._items) >= 4:
                    self._items.clear()
                self._items[row.id] = classifier
                self._loading.pop(row.id, None)
        return classifier

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MODELS = _ModelCache()


def read_labelled_csv(path_or_text: str, *, is_text: bool = False) -> tuple[list[str], list[str]]:
    """(texts, labels) of a CSV with columns text,label; every label must be a known domain."""
    texts, labels, _ = read_labelled_rows(path_or_text, is_text=is_text)
    return texts, labels


def read_labelled_rows(path_or_text: str, *,
                       is_text: bool = False) -> tuple[list[str], list[str], list[int]]:
    """``read_labelled_csv`` plus each example's row as a spreadsheet shows it (the header is row
    1; a text with line breaks is still one row), for review lists."""
    if is_text:
        content = path_or_text
    else:
        try:
            with open(path_or_text, encoding="utf-8-sig") as handle:
                content = handle.read(MAX_CSV_BYTES + 1)
        except OSError as err:
            raise ValidationFailed(fields={"csv": [f"无法读取文件：{err.strerror}"]}) from None
    if len(content) > MAX_CSV_BYTES:
        raise ValidationFailed(fields={"csv": ["文件过大（上限 50 MB）"]})
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
        raise ValidationFailed(fields={"csv": ["CSV 须包含 text 和 label 两列"]})
    texts, labels, rows, unknown, garbled = [], [], [], Counter(), []
    for row_number, row in enumerate(reader, start=2):
        text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
        if bad_character(text, multiline=True) or bad_character(label):
            garbled.append(row_number)
            continue
        if not text or not label:
            continue
        if label not in DOMAINS:
            unknown[label] += 1
            continue
        texts.append(text)
        labels.append(label)
        rows.append(row_number)
    if garbled:
        shown = "、".join(str(n) for n in garbled[:10]) + ("等" if len(garbled) > 10 else "")
        raise ValidationFailed(fields={"csv": [f"第 {shown} 行{CONTROL_MESSAGE}（共 {len(garbled)} 行）"]})
    if unknown:
        names = "、".join(f"{k}（{n} 行）" for k, n in unknown.most_common(5))
        raise ValidationFailed(fields={"label": [f"未知的诉求领域：{names}"]})
    return texts, labels, rows


def closed_case_rows(session) -> tuple[list[str], list[str], list[str]]:
    """The system's own closed cases with the domain they finally had (overrides included) — or,
    for a case judged in a routing audit (分拨抽检), the domain the auditor judged right — and
    each case's number (for review lists)."""
    rows = session.execute(
        select(Case.description, func.coalesce(RoutingAudit.audited_domain, Case.domain), Case.number)
        .outerjoin(RoutingAudit, RoutingAudit.case_id == Case.id)
        .where(Case.status.in_(CLOSED_STATUSES), Case.domain.is_not(None), Case.domain != "")
        .order_by(Case.id))
    texts, labels, numbers = [], [], []
    for text, label, number in rows:
        if label in DOMAINS and text:
            texts.append(text)
            labels.append(label)
            numbers.append(number)
    return texts, labels, numbers


def check_config(config: str) -> None:
    if config not in CONFIG_NAMES:
        raise ValidationFailed(fields={"config": [f"未知的模型配置 {config}；可选：{'、'.join(sorted(CONFIG_NAMES))}"]})


def labelled_examples(rt: Runtime, csv_path: str | None, from_cases: bool
                      ) -> tuple[list[str], list[str], list[str], list[str]]:
    """(texts, labels, where each comes from, sources) of the training data: the CSV's rows
    (``csv:<row>``, the header being row 1) and/or the closed cases (their numbers)."""
    if not csv_path and not from_cases:
        raise ValidationFailed(fields={"csv": ["请指定训练数据：CSV 文件或已办结工单"]})
    texts, labels, refs, sources = [], [], [], []
    if csv_path:
        texts, labels, rows = read_labelled_rows(csv_path)
        refs = [f"csv:{row}" for row in rows]
        sources.append(f"csv:{csv_path.rsplit('/', 1)[-1]}")
    if from_cases:
        with rt.uow() as uow:
            case_texts, case_labels, numbers = closed_case_rows(uow.session)
        texts += case_texts
        labels += case_labels
        refs += numbers
        sources.append(f"cases:{len(case_texts)}")
    return texts, labels, refs, sources


def train(rt: Runtime, csv_path: str | None = None, from_cases: bool = False, *,
          config: str = DEFAULT_CONFIG, target_precision: float = 0.97, activate: bool = False,
          created_by: str | None = None) -> dict:
    """Train a new version; store it (and activate it if asked). Returns its summary."""
    from app.routing_model import DomainClassifier
    check_config(config)
    texts, labels, _, sources = labelled_examples(rt, csv_path, from_cases)
    classifier = DomainClassifier(config)
    try:
        classifier.fit(texts, labels)
        classifier.choose_threshold(texts, labels, target_precision=target_precision)
    except ValueError as err:  # too few examples per domain, a single domain, ...
        raise ValidationFailed(fields={"training_data": [f"训练数据不足：{err}"]}) from None
    blob = classifier.to_bytes()
    with rt.uow() as uow:
        row = RoutingModel(
            config=config, source=" + ".join(sources)[:200], n_samples=len(texts),
            labels=list(classifier.labels), threshold=float(classifier.threshold),
            metrics=dict(classifier.threshold_info) | {"label_counts": dict(Counter(labels))},
            active=False, size_bytes=len(blob), blob=blob, created_at=rt.clock.now(),
            created_by=created_by)
        uow.session.add(row)
        uow.session.flush()
        if activate:
            _activate(uow.session, row)
        result = summary(row)
        uow.commit()
    return result


def _activate(session, row: RoutingModel) -> None:
    session.execute(update(RoutingModel).where(RoutingModel.id != row.id, RoutingModel.active)
                    .values(active=False))
    row.active = True


def activate(rt: Runtime, version: int, threshold: float | None = None) -> dict:
    """Make `version` the active model; optionally override its auto-dispatch threshold."""
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise ValidationFailed(fields={"threshold": ["阈值须在 (0, 1] 之间"]})
    with rt.uow() as uow:
        row = uow.session.get(RoutingModel, version)
        if row is None:
            raise NotFound(f"分拨模型版本 {version} 不存在")
        if threshold is not None:
            row.metrics = dict(row.metrics) | {"cv_threshold": row.threshold,
                                               "threshold_source": "manual"}
            row.threshold = threshold
        _activate(uow.session, row)
        result = summary(row)
        uow.commit()
    return result


def list_models(rt: Runtime, with_usage: bool = False) -> list[dict]:
    """Every version with its cross-validated figures; ``with_usage`` adds its live ``usage`` on
    the cases (one GROUP BY over `cases`, so only for the views that show it) and its sample
    ``audit`` (分拨抽检)."""
    from .audit import EMPTY_SUMMARY, summaries
    from .usage import usage_by_version
    with rt.uow() as uow:
        usage = audits = None
        if with_usage:
            usage = usage_by_version(uow.session)
            audits = summaries(uow.session, {v: u["auto"] for v, u in usage.items()})
        rows = uow.session.scalars(select(RoutingModel).order_by(RoutingModel.id))
        return [_with_usage(summary(row), usage.get(row.id, EMPTY_USAGE),
                            audits.get(row.id, EMPTY_SUMMARY)) if with_usage else summary(row)
                for row in rows]


def _with_usage(model: dict, usage: dict, audit: dict) -> dict:
    """A summary with its live usage, its audit and how the audit compares with its promise
    (``promise_verdict``: kept / watch / broken / None, see ``routing_model.promise``)."""
    target = (model["promise"] or {}).get("target")
    return model | {"usage": usage, "audit": audit, "promise_verdict": audit_verdict(target, audit)}


EMPTY_USAGE = {"suggested": 0, "dispatched": 0, "agreed": 0, "agreement": None, "auto": 0,
               "auto_share": None, "auto_kept": 0, "auto_kept_rate": None}


def summary(row: RoutingModel) -> dict:
    metrics = row.metrics or {}
    return {"version": row.id, "config": row.config, "source": row.source,
            "n_samples": row.n_samples, "labels": list(row.labels), "threshold": row.threshold,
            "active": row.active, "size_bytes": row.size_bytes,
            "created_at": iso(row.created_at),
            "created_by": row.created_by,
            "cv_auto_share": metrics.get("cv_auto_share"),
            "cv_auto_precision": metrics.get("cv_auto_precision"),
            "cv_accuracy": metrics.get("cv_accuracy"),
            "promise": promise_of(metrics)}


def active_model(session) -> ActiveModel | None:
    row = session.scalar(select(RoutingModel).where(RoutingModel.active))
    if row is None:
        return None
    try:
        classifier = MODELS.get(row)
    except Exception:  # a model stored by an incompatible version: route without it
        log.exception("routing model %s cannot be loaded", row.id)
        return None
    return ActiveModel(row.id, float(row.threshold), classifier)


def auto_dispatch_on(rt: Runtime) -> bool:
    """Whether automatic dispatch can happen now: a model version is active and its threshold is
    reachable (a cheap query: the model itself is not loaded)."""
    with rt.uow() as uow:
        threshold = uow.session.scalar(select(RoutingModel.threshold).where(RoutingModel.active))
    return threshold is not None and threshold <= 1.0


def suggest_domain(rt: Runtime, text: str) -> dict | None:
    """The active model's suggestion for a text, or None when no model is active or no text."""
    if not (text or "").strip():
        return None
    with rt.uow() as uow:
        model = active_model(uow.session)
    return model.suggest(text) if model is not None else None


def warm_up(rt: Runtime) -> int | None:
    """Loads the active model and tokenizer ahead of the first demand (a server calls this in the
    background at start); returns its version."""
    with rt.uow() as uow:
        model = active_model(uow.session)
    if model is None:
        return None
    model.suggest("企业用电报装")
    return model.version


def evaluate_csv(rt: Runtime, csv_path: str, version: int | None = None) -> dict:
    """Metrics of a stored model (default: the active one) on a labelled CSV (``evaluate``), its
    ``promise`` and how the precision measured here compares with it (``promise_verdict``)."""
    from app.routing_model import evaluate
    texts, labels = read_labelled_csv(csv_path)
    if not texts:
        raise ValidationFailed(fields={"csv": ["CSV 中没有可用的行"]})
    with rt.uow() as uow:
        if version is None:
            row = uow.session.scalar(select(RoutingModel).where(RoutingModel.active))
            if row is None:
                raise NotFound("没有启用的分拨模型；请指定 --version")
        else:
            row = uow.session.get(RoutingModel, version)
            if row is None:
                raise NotFound(f"分拨模型版本 {version} 不存在")
        classifier = MODELS.get(row)
        classifier.threshold = float(row.threshold)
        version, config, promise = row.id, row.config, promise_of(row.metrics)
    metrics = evaluate(classifier, texts, labels)
    target = (promise or {}).get("target")
    return {"version": version, "config": config, "threshold": classifier.threshold,
            "promise": promise} | metrics | {"promise_verdict": audit_verdict(target, {
                "precision": metrics["auto_precision"], "ci_low": metrics["auto_precision_low"],
                "ci_high": metrics["auto_precision_high"]})}
