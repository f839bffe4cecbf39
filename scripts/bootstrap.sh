#!/usr/bin/env bash
# Creates .venv and installs the project with its dev dependencies (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.newscrawl-installed
# Reinstall when the project's build inputs changed (the C kernels are built at install).
changed() { [ -n "$(find pyproject.toml setup.py classifier -maxdepth 1 -newer "$stamp" \( -name '*.toml' -o -name 'setup.py' -o -name '*.pyx' \) -print -quit)" ]; }
if [ ! -f "$stamp" ] || changed; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
