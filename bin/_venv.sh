# Shared by bin/run, bin/test and .ci/run: make the checkout's virtual environment and install
# the project's dependencies into it, again only when pyproject.toml asks for something missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "» creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
EXTRAS="${1:-}"
if ! .venv/bin/python bin/_requirements_met.py $EXTRAS; then
  echo "» installing dependencies into .venv${EXTRAS:+ (with $EXTRAS extras)}"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check ".${EXTRAS:+[$EXTRAS]}"
fi
