#!/usr/bin/env bash
# The project's one gate: format, lint, types, then the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff format --check tui tests
ruff check tui tests
mypy
python -m pytest -q -p no:randomly "$@"
