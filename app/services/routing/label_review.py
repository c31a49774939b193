"""P4: training labels worth a second look before the next model is trained.

A label that the classifier, trained without that example, finds unlikely while it puts another
domain first is often a wrong label (or an ambiguous demand). Label noise caps how many demands
can be dispatched automatically at the target precision, so the operators review this list,
correct the labels where they come from (the CSV, or the case's domain), and train again.
"""
from __future__ import annotations

import csv

from app.domain.errors import ValidationFailed
from app.domain.spreadsheet import neutralise
from app.domain.texts import msg
from app.routing_model import DEFAULT_CONFIG, suspect_labels
from app.routing_model.review import DEFAULT_MAX_LABEL_PROBA

from .model_versions import check_config, labelled_examples
from ..runtime import Runtime

EXPORT_COLUMNS = ("ref", "label", "suggested", "label_proba", "suggested_proba", "text")


def review_labels(rt: Runtime, csv_path: str | None = None, from_cases: bool = False, *,
                  config: str = DEFAULT_CONFIG,
                  max_label_proba: float = DEFAULT_MAX_LABEL_PROBA) -> dict:
    """{"n_examples", "sources", "config", "max_label_proba", "suspects": [{"ref", "label",
    "suggested", "label_proba", "suggested_proba", "text"}, ...]} — the least likely label first.
    ``ref`` is ``csv:<row>`` for a row of the CSV (header = row 1), the case number for a closed case."""
    if not 0.0 < max_label_proba <= 1.0:
        raise ValidationFailed(fields={"max_label_proba": [msg("review.proba_range", "须在 0 和 1 之间")]})
    check_config(config)
    texts, labels, refs, sources = labelled_examples(rt, csv_path, from_cases)
    try:
        suspects = suspect_labels(texts, labels, config, max_label_proba=max_label_proba)
    except ValueError as err:  # too few examples per domain, a single domain
        raise ValidationFailed(fields={"training_data": [
            msg("routing.too_little_data", "训练数据不足：{reason}", reason=str(err))]}) from None
    return {"n_examples": len(texts), "sources": sources, "config": config,
            "max_label_proba": max_label_proba,
            "suspects": [{"ref": refs[s.index], "label": s.label, "suggested": s.suggested,
                          "label_proba": round(s.label_proba, 4),
                          "suggested_proba": round(s.suggested_proba, 4), "text": texts[s.index]}
                         for s in suspects]}


def write_review_csv(path: str, suspects: list[dict]) -> None:
    """The review list as a CSV for a spreadsheet (UTF-8 with BOM, so Excel reads the Chinese);
    text that a spreadsheet would run as a formula is prefixed with `'`."""
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            writer.writerows({key: neutralise(value) for key, value in row.items()}
                             for row in suspects)
    except OSError as err:
        raise ValidationFailed(fields={"out": [
            msg("file.unwritable", "无法写入文件：{reason}", reason=err.strerror)]}) from None
