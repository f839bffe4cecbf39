"""One module per publisher template (``article``, ``listing`` and ``page`` functions)."""

from __future__ import annotations

from types import ModuleType

from crawler.demo.templates import courier, daily, magazine, quill

__all__ = ["TEMPLATES"]

TEMPLATES: dict[str, ModuleType] = {"daily": daily, "courier": courier, "magazine": magazine,
                                    "quill": quill}
