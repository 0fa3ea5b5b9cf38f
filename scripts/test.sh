#!/usr/bin/env bash
# Quick start: the whole test suite from a fresh clone (installs what it needs, then builds and tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export NODE_NO_WARNINGS=1
# projen build: bundle the CLI, jsii compile, API.md, README examples through jsii-rosetta (strict), jest (unit,
# mocked, moto integration) and eslint, then package for npm, PyPI, Maven and Go (dist/).
npx projen build
# The Python, Java and Go packages used as their users would (test/consumers/), and the .NET code generated.
bash scripts/test-consumers.sh
