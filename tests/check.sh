#!/usr/bin/env bash
# The project's one gate: format, lint, types, then the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# README's set-up makes .venv; use its tools when it is there (CI puts its own first on PATH).
if [ -x .venv/bin/python ] && [ -z "${CI:-}" ]; then PATH="$PWD/.venv/bin:$PATH"; fi
ruff format --check tui tests
ruff check tui tests
mypy
python -m pytest -q -p no:randomly "$@"
