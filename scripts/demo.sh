#!/usr/bin/env bash
# Quick start: a local emulated lake, replicated end to end (plan, sync, verify) with the real CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx projen bundle >/dev/null
NODE_NO_WARNINGS=1 exec npx ts-node --project tsconfig.dev.json scripts/demo.ts
