#!/usr/bin/env bash
# Creates or updates the project-local Python virtual environment at .venv and installs
# scripts/requirements.txt into it. Idempotent: pip runs only when the requirements file
# (or the interpreter) changed since the last successful install, tracked by a hash stamp
# inside the venv. Prints the venv's python path on its last line so callers can use it:
#   PY="$(scripts/python-env.sh | tail -n 1)"
# Environment: PYTHON picks the interpreter used to create the venv (default: python3.11,
# then python3); RELEARN_VENV overrides the venv location.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${RELEARN_VENV:-$repo_root/.venv}"
requirements="$repo_root/scripts/requirements.txt"
stamp="$venv_dir/.requirements.sha256"

log() { echo "python-env: $*" >&2; }

pick_python() {
  if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"; return; fi
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then echo "$candidate"; return; fi
  done
  log "no python3 found (set PYTHON=/path/to/python3.11)"
  exit 1
}

venv_python="$venv_dir/bin/python"

if [[ ! -x "$venv_python" ]] || ! "$venv_python" -c 'import sys' >/dev/null 2>&1; then
  base_python="$(pick_python)"
  log "creating $venv_dir with $("$base_python" --version 2>&1)"
  rm -rf "$venv_dir"
  "$base_python" -m venv "$venv_dir"
fi

# The stamp covers the requirements and the venv interpreter's version, so a rebuilt
# interpreter or an edited requirements file both trigger a reinstall.
wanted="$( { cat "$requirements"; "$venv_python" --version 2>&1; } | sha256sum | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"

if [[ "$wanted" != "$have" ]]; then
  log "installing $(basename "$requirements") into $venv_dir"
  "$venv_python" -m pip install --disable-pip-version-check --quiet --upgrade pip >&2
  "$venv_python" -m pip install --disable-pip-version-check --quiet -r "$requirements" >&2
  echo "$wanted" > "$stamp"
else
  log "$venv_dir is up to date"
fi

echo "$venv_python"
