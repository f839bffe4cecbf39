"""Loading of the optional C kernels (``classifier/_walk.pyx``, ``classifier/_trees.pyx``).

``setup.py`` builds them at install when a C compiler is there; the modules that use them keep
a pure-Python twin and fall back to it when a kernel is missing, switched off
(``NEWSCRAWL_PURE_PYTHON=1``) or unusable.
"""

from __future__ import annotations

import importlib
import os
import warnings
from typing import Any

__all__ = ["PURE_PYTHON_ENV_VAR", "load_kernel"]

#: Environment variable that switches the C kernels off when set to ``1`` (read at import).
PURE_PYTHON_ENV_VAR = "NEWSCRAWL_PURE_PYTHON"


def load_kernel(name: str) -> Any:
    """The module ``classifier.<name>``, or None when it is not built, switched off, or was
    built against other lxml / numpy binaries (then with a warning: reinstall to rebuild)."""
    if os.environ.get(PURE_PYTHON_ENV_VAR) == "1":
        return None
    try:
        return importlib.import_module(f"classifier.{name}")
    except ImportError:  # not built (no C compiler at install)
        return None
    except Exception as exc:
        warnings.warn(f"classifier.{name} cannot be used ({exc!r}); the Python code runs "
                      "instead: reinstall the project to rebuild it", RuntimeWarning,
                      stacklevel=2)
        return None
