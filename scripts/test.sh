#!/usr/bin/env bash
# Quick start: the whole test suite from a fresh clone (installs what it needs, then builds and tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export NODE_NO_WARNINGS=1
# projen build: bundle the CLI, jsii compile, API.md, jest (unit, mocked, moto integration) and eslint, then package.
npx projen build
