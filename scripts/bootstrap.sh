#!/usr/bin/env bash
# Installs everything the project needs from its own files: npm packages and the pinned Python test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -L node_modules ]; then
  # A link to an install shared with other checkouts (a git worktree's): npm ci here would empty that install.
  echo "bootstrap: node_modules links to a shared install ($(readlink node_modules)); leaving it as it is" >&2
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/python-env.sh
