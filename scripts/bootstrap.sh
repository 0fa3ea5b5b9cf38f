#!/usr/bin/env bash
# Installs everything the project needs from its own files: npm packages and the pinned Python test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/python-env.sh
