"""Where the shipped model's training data lives, from its sidecar's provenance.

``scrapy train --base`` retrains on the user's fixtures together with what the shipped model
learned from. The sidecar's ``training_data`` names each source (``fixtures``, and corpus
names such as ``fundus``); this module maps them back to folders and reports what is missing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.labelling.cli import SHIPPED_MODEL

__all__ = ["BaseData", "base_data", "corpora_dir", "read_sidecar"]

REPO_FIXTURES = SHIPPED_MODEL.parent.parent / "fixtures"


def read_sidecar(model_path: str | Path) -> dict[str, Any]:
    """The JSON sidecar of a model file (``x.skops`` -> ``x.json``); {} when absent."""
    side = Path(model_path).with_suffix(".json")
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def corpora_dir(explicit: str | None = None) -> Path | None:
    """``--corpora`` if given (and None when it is no folder: what the user asked for is not
    silently replaced), else ``$NEWSCRAWL_SHARED/corpora``, else ``../shared/corpora``."""
    if explicit:
        return Path(explicit) if Path(explicit).is_dir() else None
    candidates = []
    env = os.environ.get("NEWSCRAWL_SHARED")
    if env:
        candidates.append(Path(env) / "corpora")
    candidates.append(SHIPPED_MODEL.parent.parent.parent / "shared" / "corpora")
    return next((c for c in candidates if c.is_dir()), None)


@dataclass
class BaseData:
    """The base model's training folders, its parameters, and what could not be found."""

    model: Path
    sidecar: dict[str, Any]
    fixtures: list[Path] = field(default_factory=list)
    corpora: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict[str, Any]:
        params = self.sidecar.get("model_params")
        return dict(params) if isinstance(params, dict) else {}

    def summary(self) -> dict[str, Any]:
        return {"model": str(self.model), "model_version": self.sidecar.get("model_version"),
                "sha256": self.sidecar.get("sha256"),
                "training_data": self.sidecar.get("training_data", {}),
                "used": [str(p) for p in [*self.fixtures, *self.corpora]],
                "missing": self.missing}


def base_data(model: str | Path = SHIPPED_MODEL, corpora: str | None = None) -> BaseData:
    """Resolve the training sources named in ``model``'s sidecar to folders."""
    sidecar = read_sidecar(model)
    if not sidecar:
        raise FileNotFoundError(f"{Path(model).with_suffix('.json')}: no sidecar to read the "
                                "base training data from")
    found = BaseData(Path(model), sidecar)
    corpus_root = corpora_dir(corpora)
    for source in sorted(sidecar.get("training_data") or {}):
        if source == "fixtures":
            if REPO_FIXTURES.is_dir():
                found.fixtures.append(REPO_FIXTURES)
            else:
                found.missing.append(f"fixtures ({REPO_FIXTURES})")
        elif corpus_root is not None and (corpus_root / source / "gold.jsonl").is_file():
            found.corpora.append(corpus_root / source)
        else:
            found.missing.append(f"corpus {source} (looked in {corpus_root or 'no corpora dir'})")
    return found
