#!/usr/bin/env bash
# Makes Debian's chromium available for the dashboard's browser test and prints its path.
# Idempotent: does nothing when /usr/bin/chromium is there already. Installing needs root
# (or passwordless sudo) and the Debian package mirrors; without them it fails and says why.
set -euo pipefail

readonly CHROMIUM=/usr/bin/chromium

fail() {
  echo "scripts/chromium.sh: $*" >&2
  exit 1
}

if [[ ! -x "$CHROMIUM" ]]; then
  command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available: install Debian's chromium package by hand"
  if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    fail "$CHROMIUM is missing and installing it needs root: run 'sudo bash scripts/chromium.sh'"
  fi
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  echo "scripts/chromium.sh: installing Debian's chromium package (apt-get)..." >&2
  if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1; then
    cat "$log" >&2
    fail "apt-get update failed (no network or no package mirror?)"
  fi
  if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >"$log" 2>&1; then
    cat "$log" >&2
    fail "apt-get install chromium failed"
  fi
  [[ -x "$CHROMIUM" ]] || fail "the chromium package installed but $CHROMIUM is still missing"
fi

"$CHROMIUM" --version >/dev/null 2>&1 || fail "$CHROMIUM is installed but does not start ('$CHROMIUM --version' failed)"
echo "$CHROMIUM"
