"""Loading the domain classifier: its bytes (tens of MB) are read only to load a version, a
version is loaded once however many requests ask for it at the same time, a blank text needs no
model, and a serving process can load it in the background before the first demand."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import inspect, select

from app.db.models import RoutingModel
from app.routing_model import DomainClassifier
from app.services.routing import model_versions as routing_models
from app.services.routing.model_versions import MODELS, suggest_domain
from app.wiring import warm_routing_model
from tests.routing_data import write_csv


@pytest.fixture
def version(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["qisu", "routing", "train", "--csv",
                                                str(write_csv(tmp_path / "orders.csv")), "--activate"])
    assert result.exit_code == 0, result.output
    MODELS.clear()
    yield int(re.search(r"model version (\d+)", result.output).group(1))
    MODELS.clear()


@pytest.fixture
def loads(monkeypatch):
    """Counts the classifier loads from bytes."""
    calls = []
    original = DomainClassifier.from_bytes

    def counting(blob):
        calls.append(len(blob))
        return original(blob)
    monkeypatch.setattr(DomainClassifier, "from_bytes", staticmethod(counting))
    return calls


def test_the_model_bytes_are_not_read_with_the_version_row(version, rt):
    with rt.uow() as uow:
        row = uow.session.scalar(select(RoutingModel).where(RoutingModel.id == version))
        assert "blob" in inspect(row).unloaded and row.size_bytes > 0
        assert len(row.blob) == row.size_bytes      # read when asked for


def test_concurrent_first_suggestions_load_the_version_once(version, rt, loads):
    barrier = threading.Barrier(4, timeout=30)
    results = []

    def ask():
        barrier.wait()
        results.append(suggest_domain(rt, "我司工厂废气排放超标的问题")["label"])
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == ["环境保护"] * 4
    assert len(loads) == 1


def test_a_blank_text_needs_no_model(version, rt, loads):
    assert suggest_domain(rt, "  ") is None and suggest_domain(rt, "") is None
    assert loads == []


def test_a_server_loads_the_active_model_in_the_background(version, rt, loads):
    warm_routing_model(rt).join(timeout=60)
    assert len(loads) == 1
    assert suggest_domain(rt, "我司工厂废气排放超标的问题")["model_version"] == version
    assert len(loads) == 1                       # the first demand found it loaded


def test_warm_up_without_an_active_model_does_nothing(rt, loads):
    assert routing_models.warm_up(rt) is None and loads == []
