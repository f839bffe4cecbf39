"""Helpers shared by the retraining commands (``scrapy label / explain / train / ...``).

Classifier names are imported inside the functions: ``scrapy`` imports every command module
at start-up, and scikit-learn should load only when a command that needs it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

__all__ = ["SHIPPED_MODEL", "ToolCommand", "is_shipped_model", "load_model_option",
           "model_path_option"]

#: The shipped default model (relative to the repository / installed package root).
SHIPPED_MODEL = Path(__file__).resolve().parents[2] / "models" / "newscrawl-blocks.skops"


class ToolCommand(ScrapyCommand):
    """Base of the retraining commands: they work on files and models, not on a crawl, so
    they need neither a project nor a crawler process."""

    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "INFO"}


def model_path_option(path: str | None, settings: BaseSettings | None) -> str | None:
    """The model file a command should use: ``--model``, else ``NEWSCRAWL_MODEL``, else None
    (the default model, which also honours the ``NEWSCRAWL_MODEL`` environment variable)."""
    if path:
        return path
    if settings is not None and settings.get("NEWSCRAWL_MODEL"):
        return str(settings.get("NEWSCRAWL_MODEL"))
    return None


def load_model_option(path: str | None, settings: BaseSettings | None) -> Any:
    """Load the chosen model; a bad file becomes a :class:`UsageError` naming it."""
    from classifier import ModelError, default_model, load_model

    chosen = model_path_option(path, settings)
    try:
        return load_model(chosen) if chosen else default_model()
    except (ModelError, OSError, ValueError) as exc:
        raise UsageError(f"cannot load the model: {exc}", print_help=False) from exc


def is_shipped_model(path: str | Path) -> bool:
    """True when ``path`` is (or its sidecar is) the shipped model file."""
    target = Path(path).resolve()
    shipped = SHIPPED_MODEL.resolve()
    return target in (shipped, shipped.with_suffix(".json"))
