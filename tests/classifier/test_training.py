"""Training end to end on a tiny fixture set: CLI, sidecar, cross-validation, reload."""

from __future__ import annotations

import json

import numpy as np
import pytest

from classifier import extract, load_model, page_features, segment, write_fixture
from classifier.__main__ import main
from classifier.model import sidecar_path
from classifier.training import train
from tests.classifier.conftest import training_page

TINY = {"max_iter": 10, "min_samples_leaf": 2, "n_folds": 2, "navigation_sample": 1.0,
        "stage2_max_iter": 5}


@pytest.fixture()
def fixture_dir(tmp_path):
    root = tmp_path / "fixtures"
    for n in range(6):
        html, labels = training_page(n)
        paths = {b.path: label for b, label in zip(segment(html).blocks, labels, strict=True)}
        write_fixture(root / f"template{n % 3}" / f"page{n}.html", html, paths,
                      source="handwritten")
    return root


def test_train_end_to_end(fixture_dir, tmp_path):
    out = tmp_path / "model.skops"
    _, sidecar = train(fixtures=[fixture_dir], out=out, seed=1, params=TINY, cv_folds=3,
                       progress=False)
    assert sidecar["training_data"]["fixtures"]["pages"] == 6
    assert len(sidecar["training_data"]["fixtures"]["manifest_sha256"]) == 64
    cv = sidecar["cross_validation"]
    assert cv["folds"] == 3 and set(cv["fixtures"]) >= {"content", "ad", "body", "confusion"}
    on_disk = json.loads(sidecar_path(out).read_text())
    assert on_disk["seed"] == 1 and on_disk["versions"]["skops"]
    loaded = load_model(out)
    article = extract(training_page(50)[0], model=loaded)
    assert article.model_version == on_disk["model_version"]
    assert "Paragraph 0 of story 50" in article.body


def test_training_is_seeded(fixture_dir):
    params = dict(TINY, navigation_sample=0.5)
    a, _ = train(fixtures=[fixture_dir], seed=3, params=params, cv_folds=0, progress=False)
    b, _ = train(fixtures=[fixture_dir], seed=3, params=params, cv_folds=0, progress=False)
    assert (a.stage1_.value == b.stage1_.value).all()


def test_cli_train(fixture_dir, tmp_path, capsys):
    out = tmp_path / "cli.skops"
    assert main(["train", "--fixtures", str(fixture_dir), "--out", str(out), "--cv-folds", "0",
                 "--max-iter", "5", "--stage2-max-iter", "3", "--learning-rate", "0.3",
                 "--quiet"]) == 0
    assert out.is_file() and sidecar_path(out).is_file()
    assert json.loads(capsys.readouterr().out)["out"] == str(out)
    params = json.loads(sidecar_path(out).read_text(encoding="utf-8"))["model_params"]
    assert (params["max_iter"], params["stage2_max_iter"], params["learning_rate"]) == (5, 3, 0.3)


def test_members_average_models_with_their_own_navigation_samples(fixture_dir, tmp_path):
    params = dict(TINY, navigation_sample=0.5)
    single, _ = train(fixtures=[fixture_dir], seed=3, params=params, cv_folds=0, progress=False)
    out = tmp_path / "members.skops"
    ensemble, sidecar = train(fixtures=[fixture_dir], seed=3, params=params | {"n_members": 3},
                              cv_folds=0, out=out, progress=False)
    assert sidecar["model_params"]["n_members"] == 3
    assert [m.random_state for m in ensemble.members_] == [4, 5]
    assert all(m.n_members == 1 and not m.members_ for m in ensemble.members_)
    # the first member is the single model of the same seed; the others differ from it
    assert (ensemble.stage1_.value == single.stage1_.value).all()
    assert not np.array_equal(ensemble.members_[0].stage1_.value, single.stage1_.value)
    page = page_features(segment(training_page(50)[0]))
    parts = [single.predict_page(page), *(m.predict_page(page) for m in ensemble.members_)]
    assert np.allclose(ensemble.predict_page(page), np.mean(parts, axis=0))
    loaded = load_model(out)
    assert np.allclose(loaded.predict_page(page), ensemble.predict_page(page))
    assert "Paragraph 0 of story 50" in extract(training_page(50)[0], model=loaded).body


def test_cli_members_flag(fixture_dir, tmp_path, capsys):
    out = tmp_path / "cli.skops"
    assert main(["train", "--fixtures", str(fixture_dir), "--out", str(out), "--cv-folds", "0",
                 "--max-iter", "5", "--stage2-max-iter", "3", "--members", "2", "--quiet"]) == 0
    assert len(load_model(out).members_) == 1
    with pytest.raises(SystemExit):
        main(["train", "--fixtures", str(fixture_dir), "--out", str(out), "--members", "0"])


def test_refuses_evaluation_corpus(tmp_path):
    with pytest.raises(ValueError, match="scrapinghub"):
        train(corpora=[tmp_path / "scrapinghub"], progress=False)
    with pytest.raises(ValueError, match="may not be used"):
        train(corpora=[tmp_path / "dragnet"], progress=False)
