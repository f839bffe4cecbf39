"""Fine-tuning: boosting rounds added to a fitted model (classifier.boosting)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from classifier import BlockModel, load_model, save_model
from classifier.features import page_features
from classifier.segmentation import segment
from classifier.training import fine_tune
from tests.classifier.conftest import training_page


def ferry_page(n: int) -> tuple[str, list[str]]:
    """A template the tiny model never saw: its members' offer must be learnt as navigation
    or paywall from labels, not from familiar words."""
    lines = "".join(f"<div class='zz-t'>Line {i} of note {n}: the ferry timetable changes next "
                    "week because the pier is closed for works.</div>" for i in range(4))
    html = ("<html><body><div class='zz-m'><a href='/'>Start</a> <a href='/x'>Index</a></div>"
            f"<div class='zz-b'><div class='zz-h'>Ferry notes {n}</div>{lines}</div>"
            "<div class='zz-g'>Members read on: join for 3 pounds a week</div>"
            "<div class='zz-f'>Contact the editor</div></body></html>")
    labels = ["content" if b.text.startswith(("Ferry", "Line")) else
              "paywall" if "Members" in b.text else "navigation" for b in segment(html).blocks]
    return html, labels


def _pages(make, numbers):
    made = [make(n) for n in numbers]
    return [page_features(segment(html)) for html, _ in made], [labels for _, labels in made]


def _accuracy(model, pages, labels):
    return float((model.predict(pages) == np.concatenate(labels)).mean())


@pytest.fixture(scope="module")
def base_pages():
    return _pages(training_page, range(12))


def test_fine_tuning_learns_the_new_template_and_keeps_the_rest(tiny_model, base_pages):
    base_x, base_y = base_pages
    train_x, train_y = _pages(ferry_page, range(3))
    test_x, test_y = _pages(ferry_page, range(3, 6))
    before = tiny_model.predict_proba(base_x)
    assert _accuracy(tiny_model, test_x, test_y) < 1.0  # the base model gets a block wrong

    tuned = tiny_model.fine_tuned(train_x, train_y, rounds=10, anchors=base_x)

    assert _accuracy(tuned, test_x, test_y) == 1.0  # pages it was not tuned on
    assert np.array_equal(tiny_model.predict_proba(base_x), before)  # base left as it was
    assert _accuracy(tuned, base_x, base_y) == _accuracy(tiny_model, base_x, base_y)
    assert np.abs(tuned.predict_proba(base_x) - before).max() < 0.05
    for stage in ("stage1_", "stage2_"):  # 10 rounds of 4 trees (one per class) added
        grown, kept = getattr(tuned, stage), getattr(tiny_model, stage)
        assert grown.roots.shape[0] == kept.roots.shape[0] + 10 * 4
        assert np.array_equal(grown.value[:kept.value.shape[0]], kept.value)


def test_fine_tuning_an_ensemble_tunes_every_member(base_pages):
    base_x, base_y = base_pages
    ensemble = BlockModel(max_iter=15, min_samples_leaf=2, navigation_sample=0.5,
                          n_members=2).fit(base_x, base_y, groups=[str(n % 3) for n in range(12)])
    train_x, train_y = _pages(ferry_page, range(3))
    test_x, test_y = _pages(ferry_page, range(3, 6))
    rounds = []
    tuned = ensemble.fine_tuned(train_x, train_y, rounds=5, anchors=base_x,
                                on_round=lambda: rounds.append(1))
    assert len(rounds) == 5 * 2 * 2  # rounds x stages x members
    for new, old in zip((tuned, *tuned.members_), (ensemble, *ensemble.members_), strict=True):
        assert new.stage1_.roots.shape[0] == old.stage1_.roots.shape[0] + 5 * 4
    assert _accuracy(tuned, test_x, test_y) >= _accuracy(ensemble, test_x, test_y)


def test_anchors_hold_the_base_predictions(tiny_model, base_pages):
    """Without anchors the new trees are free to move the base template; with them, less."""
    base_x, _ = base_pages
    train_x, train_y = _pages(ferry_page, range(3))
    before = tiny_model.predict_proba(base_x)
    free = tiny_model.fine_tuned(train_x, train_y, rounds=10)
    held = tiny_model.fine_tuned(train_x, train_y, rounds=10, anchors=base_x)
    assert (np.abs(held.predict_proba(base_x) - before).mean()
            < np.abs(free.predict_proba(base_x) - before).mean())


def test_fine_tuning_without_a_second_stage(base_pages):
    base_x, base_y = base_pages
    model = BlockModel(max_iter=5, min_samples_leaf=2, second_stage=False,
                       navigation_sample=1.0).fit(base_x, base_y)
    tuned = model.fine_tuned(base_x, base_y, rounds=2)
    assert tuned.stage2_ is None
    assert tuned.stage1_.roots.shape[0] == model.stage1_.roots.shape[0] + 2 * 4


def test_fine_tuned_model_saves_and_loads(tiny_model, base_pages, tmp_path):
    base_x, base_y = base_pages
    tuned = tiny_model.fine_tuned(base_x, base_y, rounds=2)
    path = save_model(tuned, tmp_path / "tuned.skops", {"note": "test"})
    loaded = load_model(path)
    assert np.allclose(loaded.predict_proba(base_x), tuned.predict_proba(base_x))


def test_fine_tuning_refuses_bad_input(tiny_model, base_pages):
    base_x, base_y = base_pages
    with pytest.raises(ValueError, match="rounds"):
        tiny_model.fine_tuned(base_x, base_y, rounds=0)
    with pytest.raises(ValueError, match="fitted"):
        BlockModel().fine_tuned(base_x, base_y, rounds=1)
    narrow = [page_features(segment("<p>one two three</p>"))]
    narrow[0].X = narrow[0].X[:, :5]
    with pytest.raises(ValueError, match="features"):
        tiny_model.fine_tuned(narrow, [["content"]], rounds=1)


def test_fine_tune_records_its_base_in_the_sidecar(tiny_model, tmp_path):
    from classifier.fixtures import write_fixture

    folder = tmp_path / "mine" / "ferry"
    for n in range(3):
        html, labels = ferry_page(n)
        blocks = segment(html).blocks
        write_fixture(folder / f"{n}.html", html,
                      {b.path: label for b, label in zip(blocks, labels, strict=True)},
                      template="ferry")
    base = copy.deepcopy(tiny_model)
    base.model_version_ = "blocks-base"
    model, sidecar = fine_tune(base, added_fixtures=[tmp_path / "mine"], rounds=3,
                               out=tmp_path / "m.skops", progress=False)
    assert sidecar["fine_tuned_from"] == "blocks-base"
    assert sidecar["fine_tune_rounds"] == 3
    assert sidecar["training_data"]["fixtures"]["pages"] == 3
    assert load_model(tmp_path / "m.skops").stage1_.roots.shape == model.stage1_.roots.shape


def test_fine_tuning_reports_each_round(tiny_model, base_pages):
    base_x, base_y = base_pages
    calls = []
    tiny_model.fine_tuned(base_x, base_y, rounds=3, on_round=lambda: calls.append(1))
    assert len(calls) == 3 * 2  # both stages


@pytest.mark.parametrize("n_classes", [2, 3])
def test_more_rounds_continue_exactly_as_scikit_learn_would(n_classes):
    """Three rounds on top of a 3-iteration booster give the 6-iteration booster's model."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from classifier.boosting import more_rounds
    from classifier.model import TreeEnsemble

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (n_classes == 3) * (X[:, 2] > 0.8)
    params = {"learning_rate": 0.2, "max_leaf_nodes": 7, "max_depth": 4,
              "min_samples_leaf": 10, "l2_regularization": 1.0}
    short, long = (HistGradientBoostingClassifier(max_iter=n, early_stopping=False,
                                                  random_state=0, **params).fit(X, y)
                   for n in (3, 6))
    base = TreeEnsemble(short)
    targets = (y[:, None] == base.classes[None, :]).astype(float)
    grown = more_rounds(base, X, targets, np.ones(len(y)), rounds=3, random_state=0, **params)
    assert grown.roots.shape[0] == TreeEnsemble(long).roots.shape[0]
    np.testing.assert_allclose(grown.predict_proba(X), long.predict_proba(X), atol=1e-6)
