# Shared by scripts/run, scripts/test and scripts/bench: make or reuse the virtual environment.
# Sourced, not run. Needs only Python 3.11+ and git on a fresh machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FTS_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating the virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$extras"
  if [ ! -f "$stamp" ] || [ "$ROOT/setup.cfg" -nt "$stamp" ]; then
    echo "Installing dependencies ($extras)"
    # pip's notes about this machine's unused local index folders are noise; real errors still show
    "$VENV/bin/python" -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored: it is neither" || true
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT[$extras]" 2>&1 | grep -v "is ignored: it is neither" || true
    "$VENV/bin/python" -c "import fts_app, flask, sqlalchemy, cryptography" 2>/dev/null || {
      echo "Installing dependencies failed" >&2; exit 1; }
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}
