"""Unit tests of app.routing_model (P4 routing: the domain classifier), on a small synthetic
Chinese data set made here — the real benchmark is bench/routing_eval.py."""

import math
import random

import numpy as np
import pytest

from app import routing_model
from app.routing_model import DomainClassifier, evaluate, lowest_threshold_for_precision
from app.routing_model import classifier as classifier_module

DOMAINS = {
    "教育文体": ["孩子上学难", "学校乱收补课费", "老师在校外培训机构上课", "幼儿园学位不够", "学籍转不过来",
             "中小学招生划片不合理", "教师工资迟迟不发", "校车安全没人管", "学校食堂饭菜太差", "体育馆不对外开放"],
    "环境保护": ["工厂污水直排河里", "搅拌站粉尘污染严重", "夜间施工噪音扰民", "垃圾焚烧臭气熏天", "养猪场废水污染水塘",
             "化工厂排放废气", "河道被倾倒建筑垃圾", "餐馆油烟直排", "采石场破坏山体植被", "小区旁边的废品站污染空气"],
    "劳动和社会保障": ["公司拖欠工资不发", "单位不给缴纳养老保险", "社保卡无法异地报销", "退休金计算有误", "失业保险金领不到",
                "劳动合同到期不续签也不补偿", "工伤认定一直拖着", "医保转移接续办不了", "公司不交住房公积金", "灵活就业人员社保断缴"],
}
PLACES = ["A市", "B2区", "C4县", "D1区某镇", "E市某街道", "F3县某村"]
OPENERS = ["尊敬的领导您好，", "你好，", "", "请相关部门关注，", "我想反映一个问题，"]
CLOSERS = ["请尽快处理。", "希望给予答复，谢谢！", "请有关部门调查。", "盼复。", ""]


def make_data(per_domain: int, seed: int):
    rng = random.Random(seed)
    texts, labels = [], []
    for label, issues in DOMAINS.items():
        for _ in range(per_domain):
            issue = rng.choice(issues)
            place = rng.choice(PLACES)
            texts.append(f"{place}{issue}{rng.choice(OPENERS)}我们这里{issue}已经很久了，"
                         f"{rng.choice(issues)}的问题一直没有解决，{rng.choice(CLOSERS)}")
            labels.append(label)
    return texts, labels


TRAIN = make_data(24, seed=1)
HELD_OUT = make_data(6, seed=2)


@pytest.fixture(scope="module")
def fitted():
    return DomainClassifier().fit(*TRAIN)


def test_predict_top_orders_labels_and_probabilities_sum_to_one(fitted):
    texts, labels = HELD_OUT
    top = fitted.predict_top(texts, k=3)
    assert len(top) == len(texts)
    for row in top:
        assert len(row) == 3
        probabilities = [p for _, p in row]
        assert probabilities == sorted(probabilities, reverse=True)
        assert math.isclose(sum(probabilities), 1.0, abs_tol=1e-6)  # 3 domains: all of them
        assert {label for label, _ in row} == set(DOMAINS)
    accuracy = np.mean([row[0][0] == label for row, label in zip(top, labels)])
    assert accuracy >= 0.9
    assert sorted(fitted.labels) == sorted(DOMAINS)
    assert fitted.n_train == len(TRAIN[0])


def test_predict_top_k_is_capped_and_rows_match_predict_proba(fitted):
    texts = HELD_OUT[0][:3]
    proba = fitted.predict_proba(texts)
    assert proba.shape == (3, 3)
    one = fitted.predict_top(texts, k=1)
    assert [len(r) for r in one] == [1, 1, 1]
    many = fitted.predict_top(texts, k=10)
    assert [len(r) for r in many] == [3, 3, 3]
    for row, p in zip(many, proba):
        assert dict(row) == pytest.approx(dict(zip(fitted.labels, p)))
    with pytest.raises(TypeError):
        fitted.predict_top("a single string")


def test_lowest_threshold_for_precision_hand_checked():
    conf = [0.9, 0.8, 0.7, 0.6, 0.5]
    ok = [True, True, False, True, False]
    # prefix precisions: 1, 1, 2/3, 3/4, 3/5
    assert lowest_threshold_for_precision(conf, ok, 0.75) == (0.6, 0.8, 0.75)
    assert lowest_threshold_for_precision(conf, ok, 0.97) == (0.8, 0.4, 1.0)
    assert lowest_threshold_for_precision(conf, ok, 0.5) == (0.5, 1.0, 0.6)
    # equal confidences stay together: 0.8 covers one right and one wrong case
    assert lowest_threshold_for_precision([0.9, 0.8, 0.8], [True, True, False], 0.9) == (0.9, 1 / 3, 1.0)
    threshold, share, precision = lowest_threshold_for_precision([0.9, 0.8], [False, True], 0.97)
    assert (threshold, share, precision) == (math.inf, 0.0, 0.0)


@pytest.mark.training  # spies on the cross-validation, so it must really run
def test_choose_threshold_uses_only_the_data_it_is_given(fitted, monkeypatch):
    seen = []
    real = classifier_module.out_of_fold

    def spy(estimator, X, y, **kwargs):
        seen.append((list(X), list(y), kwargs))
        assert not hasattr(estimator, "classes_"), "must cross-validate a fresh, unfitted estimator"
        return real(estimator, X, y, **kwargs)

    monkeypatch.setattr(classifier_module, "out_of_fold", spy)
    pipeline, before = fitted.pipeline, fitted.predict_proba(HELD_OUT[0])
    # 72 examples cannot promise 0.97 with 95% confidence (99 right in a row are the fewest that
    # can): the point estimate is asked for here, the bound is tested in test_routing_promise.py
    threshold = fitted.choose_threshold(*TRAIN, target_precision=0.97, confidence_level=None)

    assert len(seen) == 1
    X, y, kwargs = seen[0]
    assert X == TRAIN[0] and y == TRAIN[1]
    assert not set(X) & set(HELD_OUT[0])
    assert kwargs["n_splits"] == 5
    assert 0.0 < threshold <= 1.0
    assert fitted.threshold == threshold
    info = fitted.threshold_info
    assert info["target_precision"] == 0.97 and info["n"] == len(TRAIN[0]) and info["cv_folds"] == 5
    assert info["cv_auto_precision"] >= 0.97 and 0.0 < info["cv_auto_share"] <= 1.0
    assert info["confidence_level"] is None and info["cv_auto_n"] == round(info["cv_auto_share"] * 72)
    assert info["cv_precision_low"] <= info["cv_auto_precision"] <= info["cv_precision_high"]
    # so easy a set that the CV predictions are (almost) all right: too few errors to learn a scorer
    assert info["confidence"] in ("scorer", "margin")
    # the fitted pipeline itself is untouched
    assert fitted.pipeline is pipeline
    np.testing.assert_array_equal(before, fitted.predict_proba(HELD_OUT[0]))


def test_out_of_fold_predicts_every_text_from_a_model_that_did_not_see_it():
    texts, labels = TRAIN
    y = np.asarray(labels)
    estimator = routing_model.build_pipeline("baseline")
    proba, score, bases = routing_model.out_of_fold(estimator, texts, y, n_splits=3)
    assert proba.shape == (len(texts), 3) and score.shape == (len(texts),) and bases is None
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(score, proba.max(axis=1))  # a single pipeline: its top probability
    assert not hasattr(estimator, "classes_")


def test_too_few_examples_per_label_are_refused():
    texts = [f"第{i}条诉求" for i in range(30)]
    labels = ["a"] * 21 + ["b"] * 9
    with pytest.raises(ValueError, match="at least 10 examples per label; too few for: b"):
        DomainClassifier().fit(texts, labels)
    with pytest.raises(ValueError, match="too few for: b"):
        DomainClassifier().choose_threshold(texts, labels)


def test_bytes_round_trip_gives_identical_predictions(fitted):
    fitted.threshold = 0.61
    data = fitted.to_bytes()
    assert isinstance(data, bytes)
    loaded = DomainClassifier.from_bytes(data)
    np.testing.assert_array_equal(fitted.predict_proba(HELD_OUT[0]), loaded.predict_proba(HELD_OUT[0]))
    assert loaded.predict_top(HELD_OUT[0]) == fitted.predict_top(HELD_OUT[0])
    assert loaded.metadata() == fitted.metadata()
    meta = loaded.metadata()
    assert meta["labels"] == fitted.labels and meta["threshold"] == 0.61
    assert meta["n_train"] == len(TRAIN[0]) and "scikit-learn" in meta["versions"]
    with pytest.raises(ValueError):
        DomainClassifier.from_bytes(_joblib_bytes({"x": 1}))


def _joblib_bytes(obj) -> bytes:
    import io

    import joblib

    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


class FixedModel:
    """A stand-in with known outputs, to check evaluate() by hand."""

    def __init__(self, tops, threshold):
        self.tops, self.threshold = tops, threshold

    def predict_top(self, texts, k=3):
        return [self.tops[t][:k] for t in texts]

    def is_auto(self, confidence):
        return self.threshold is not None and confidence >= self.threshold


def test_evaluate_hand_checked():
    tops = {
        "t1": [("a", 0.9), ("b", 0.05), ("c", 0.05)],  # truth a: right, auto
        "t2": [("b", 0.6), ("a", 0.3), ("c", 0.1)],    # truth b: right, not auto
        "t3": [("a", 0.8), ("c", 0.15), ("b", 0.05)],  # truth c: wrong (in top 3), auto
        "t4": [("c", 0.5), ("b", 0.3), ("d", 0.2)],    # truth a: wrong, not in top 3, not auto
    }
    texts, labels = ["t1", "t2", "t3", "t4"], ["a", "b", "c", "a"]
    m = evaluate(FixedModel(tops, threshold=0.7), texts, labels)
    assert m["n"] == 4
    assert m["accuracy"] == 0.5
    # F1 per label: a P=1/2 R=1/2 → 0.5; b → 1.0; c P=0 R=0 → 0.0; macro = 0.5
    assert m["macro_f1"] == pytest.approx(0.5)
    assert m["top3_accuracy"] == 0.75
    assert m["top2_accuracy"] == 0.75  # t4's a is third
    assert m["per_domain"] == {"a": {"precision": 0.5, "recall": 0.5, "n": 2},
                               "b": {"precision": 1.0, "recall": 1.0, "n": 1},
                               "c": {"precision": 0.0, "recall": 0.0, "n": 1}}
    assert m["auto_share"] == 0.5
    assert m["auto_precision"] == 0.5 and (m["auto_n"], m["auto_correct"]) == (2, 1)
    # exact (Clopper–Pearson) two-sided 95% interval of 1 right out of 2
    assert m["auto_precision_low"] == pytest.approx(0.01258, abs=1e-5)
    assert m["auto_precision_high"] == pytest.approx(0.98742, abs=1e-5)
    assert m["ms_per_demand"] >= 0.0

    none = evaluate(FixedModel(tops, threshold=None), texts, labels)
    assert none["auto_share"] == 0.0 and none["auto_precision"] is None
    assert none["auto_precision_low"] is None and none["auto_precision_high"] is None


def test_evaluate_on_the_fitted_model(fitted):
    fitted.threshold = 0.0  # everything auto-dispatched: auto precision is the accuracy
    m = evaluate(fitted, *HELD_OUT)
    assert set(m) == {"n", "accuracy", "macro_f1", "top2_accuracy", "top3_accuracy", "per_domain",
                      "auto_share", "auto_n", "auto_correct", "auto_precision", "auto_precision_low",
                      "auto_precision_high", "ms_per_demand", "cpu_ms_per_demand"}
    assert m["top3_accuracy"] == 1.0  # 3 domains
    assert m["auto_share"] == 1.0 and m["auto_precision"] == m["accuracy"]


class FixedProba:
    """A fitted stand-in base model with known probabilities per text."""

    def __init__(self, rows):
        self.rows, self.classes_ = rows, np.array(["a", "b", "c"])

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        return np.array([self.rows[x] for x in X])


def test_top_margin_hand_checked():
    proba = np.array([[0.6, 0.3, 0.1], [0.2, 0.4, 0.4], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(routing_model.top_margin(proba), [0.3, 0.0, 0.7])


def test_agreement_ensemble_averages_and_scores_zero_when_the_models_disagree():
    one = FixedProba({"x": [0.8, 0.1, 0.1], "y": [0.5, 0.4, 0.1]})
    two = FixedProba({"x": [0.6, 0.3, 0.1], "y": [0.3, 0.6, 0.1]})
    ensemble = routing_model.AgreementEnsemble([("one", one), ("two", two)])
    ensemble.estimators_ = [("one", one), ("two", two)]  # already "fitted" stand-ins
    ensemble.classes_ = one.classes_
    proba, score = ensemble.proba_and_confidence(["x", "y"])
    np.testing.assert_allclose(proba, [[0.7, 0.2, 0.1], [0.4, 0.5, 0.1]])
    # x: both put a first → margin 0.5; y: a vs b → they disagree → 0
    np.testing.assert_allclose(score, [0.5, 0.0])
    assert list(ensemble.predict(["x", "y"])) == ["a", "b"]
    ensemble.require_agreement = False
    np.testing.assert_allclose(ensemble.proba_and_confidence(["y"])[1], [0.1])


def test_suggest_gives_the_score_that_decides_automatic_dispatch(fitted):
    text = HELD_OUT[0][0]
    proba, score = fitted.predict_scored([text])
    fitted.threshold = float(score[0])
    suggestion = fitted.suggest(text)
    assert suggestion["score"] == pytest.approx(score[0]) and suggestion["auto"] is True
    assert suggestion["confidence"] == pytest.approx(proba[0].max())
    assert suggestion["label"] == suggestion["top"][0][0] and len(suggestion["top"]) == 3
    assert 0.0 <= suggestion["score"] <= suggestion["confidence"]
    fitted.threshold = float(score[0]) + 1e-6
    assert fitted.suggest(text)["auto"] is False


def test_a_format_1_model_still_loads_and_scores_with_its_top_probability():
    pipeline = routing_model.build_pipeline("baseline").fit(*TRAIN)
    meta = DomainClassifier("baseline").fit(*TRAIN).metadata() | {"format": "qisu-routing-model/1",
                                                                  "threshold": 0.5}
    loaded = DomainClassifier.from_bytes(_joblib_bytes({"meta": meta, "pipeline": pipeline}))
    proba, score = loaded.predict_scored(HELD_OUT[0])
    np.testing.assert_array_equal(proba, pipeline.predict_proba(HELD_OUT[0]))
    np.testing.assert_array_equal(score, proba.max(axis=1))
    assert loaded.threshold == 0.5 and loaded.metadata()["format"] == routing_model.FORMAT
    with pytest.raises(ValueError, match="not a QiSu routing model"):
        DomainClassifier.from_bytes(_joblib_bytes({"meta": meta | {"format": "qisu-routing-model/9"},
                                                   "pipeline": pipeline}))


def test_the_default_configuration_is_the_agreement_ensemble(fitted):
    assert fitted.config == routing_model.DEFAULT_CONFIG == "stacked3"
    assert isinstance(fitted.pipeline, routing_model.AgreementEnsemble)
    assert len(fitted.pipeline.estimators_) == 3
    assert fitted.metadata()["format"] == "qisu-routing-model/2"


@pytest.mark.training  # trains on data of its own
def test_the_confidence_scorer_is_learned_from_out_of_fold_predictions_on_the_training_data():
    rng = random.Random(5)
    texts, labels = make_data(24, seed=3)
    noisy = [rng.choice(list(DOMAINS)) if i % 4 == 0 else label for i, label in enumerate(labels)]
    model = DomainClassifier().fit(texts, noisy)
    threshold = model.choose_threshold(texts, noisy, target_precision=0.9)
    assert model.threshold_info["confidence"] == "scorer" and model.scorer is not None
    proba, score = model.predict_scored(HELD_OUT[0])
    bases = model.pipeline.base_probas(HELD_OUT[0])
    features, _ = routing_model.meta_features(bases)
    np.testing.assert_allclose(score, model.scorer.predict_proba(features)[:, 1])
    np.testing.assert_allclose(proba, np.mean(bases, axis=0))
    assert math.isinf(threshold) or 0.0 < threshold <= 1.0
    loaded = DomainClassifier.from_bytes(model.to_bytes())
    np.testing.assert_array_equal(loaded.confidence_scores(HELD_OUT[0]), score)


def test_meta_features_hand_checked():
    one = np.array([[0.8, 0.1, 0.1], [0.5, 0.4, 0.1]])
    two = np.array([[0.6, 0.3, 0.1], [0.3, 0.6, 0.1]])
    features, agree = routing_model.meta_features([one, two])
    # mean: [0.7, 0.2, 0.1] and [0.4, 0.5, 0.1]
    np.testing.assert_allclose(features[:, 0], [0.5, 0.1])   # margin of the mean
    np.testing.assert_allclose(features[:, 1], [0.7, 0.5])   # top probability of the mean
    np.testing.assert_allclose(features[:, 2], [1.0, 0.5])   # share of base models that agree
    np.testing.assert_allclose(features[:, 4], [0.8, 0.4])   # first model's p of the mean's first
    np.testing.assert_allclose(features[:, 6], [0.6, 0.6])   # second model's
    assert list(agree) == [True, False]


def test_fast_calibrated_svc_gives_scikit_learns_probabilities():
    from sklearn.calibration import CalibratedClassifierCV

    from app.routing_model.pipelines import FastSigmoidCalibratedCV
    from app.routing_model.text import char_tfidf

    vectorizer = char_tfidf().fit(TRAIN[0])
    X, held_out = vectorizer.transform(TRAIN[0]), vectorizer.transform(HELD_OUT[0])
    for ensemble in (True, False):
        fast = FastSigmoidCalibratedCV(routing_model.pipelines.LinearSVC(random_state=0), cv=5,
                                       method="sigmoid", ensemble=ensemble).fit(X, TRAIN[1])
        expected = CalibratedClassifierCV.predict_proba(fast, held_out)
        np.testing.assert_allclose(fast.predict_proba(held_out), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.training  # trains on data of its own
def test_suspect_labels_puts_the_flipped_labels_first():
    texts, labels = TRAIN
    labels = list(labels)
    domains = sorted(DOMAINS)
    flipped = {3: None, 40: None, 70: None}
    for i in flipped:
        flipped[i] = labels[i]
        labels[i] = next(d for d in domains if d != labels[i])
    suspects = routing_model.suspect_labels(texts, labels, max_label_proba=0.5)
    # the three least likely labels are the flipped ones, each with its true domain suggested
    # (a clean twin of a flipped text may follow: the flip makes its own label less likely)
    assert {s.index: s.suggested for s in suspects[:3]} == flipped
    assert all(s.label == labels[s.index] and s.suggested_proba > s.label_proba for s in suspects)
    assert [s.label_proba for s in suspects] == sorted(s.label_proba for s in suspects)
    assert routing_model.suspect_labels(*TRAIN, max_label_proba=0.5) == []  # clean labels


def test_suspect_labels_refuses_a_bad_cut_and_too_little_data():
    with pytest.raises(ValueError, match="max_label_proba"):
        routing_model.suspect_labels(*TRAIN, max_label_proba=0.0)
    with pytest.raises(ValueError, match="at least"):
        routing_model.suspect_labels(["某个问题"] * 4, ["环境保护", "交通运输"] * 2)
