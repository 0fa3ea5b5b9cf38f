#!/usr/bin/env bash
# Uses the packages built into dist/ (npx projen package-all, part of `npx projen build`) the way a Python,
# Java and Go user would, and checks that the .NET code still generates. Called by scripts/test.sh.
# A missing toolchain or package fails the run with a message: nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
fail() { echo "test-consumers: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' is not on PATH: $2"; }
need node "the jsii runtime of every language runs the construct in Node.js"
need python3 "the Python consumer needs Python 3.10 or later with venv"
need java "the Java consumer needs a JDK 17 or later"
need mvn "the Java consumer needs Maven 3.8 or later"
need go "the Go package and consumer need Go 1.26 or later"

wheel=$(ls dist/python/cdk_multi_region_lake_replica-*-py3-none-any.whl 2>/dev/null | head -1 || true)
[ -n "$wheel" ] || fail "no wheel in dist/python; run 'npx projen package:python' first"
ls dist/java/io/github/lakereplica/cdk-multi-region-lake-replica/*/cdk-multi-region-lake-replica-*.jar >/dev/null 2>&1 \
  || fail "no jar in dist/java; run 'npx projen package:java' first"
[ -f dist/go/cdkmultiregionlakereplica/go.mod ] || fail "no Go module in dist/go; run 'npx projen package:go' first"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo; echo "== test-consumers: $1" >&2; step_start=$(date +%s); }
done_step() { echo "== test-consumers: $1 took $(( $(date +%s) - step_start ))s" >&2; }

step ".NET: generate the C# code (no dotnet SDK here to compile it)"
npx jsii-pacmak --target dotnet --code-only --no-fingerprint -o "$work/dotnet" >"$work/dotnet.log" 2>&1 \
  || { cat "$work/dotnet.log" >&2; fail "jsii-pacmak could not generate the .NET code"; }
ls "$work"/dotnet/dotnet/LakeReplica.Cdk.MultiRegionLakeReplica/LakeReplica/Cdk/MultiRegionLakeReplica/MultiRegionLakeReplica.cs >/dev/null \
  || fail "the generated .NET code has no MultiRegionLakeReplica class"
done_step ".NET code generation"

step "Python: the wheel and pinned aws-cdk-lib in a throwaway virtualenv, then pytest"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r test/consumers/python/requirements.txt "$wheel"
(cd test/consumers/python && "$work/venv/bin/python" -m pytest -p no:cacheprovider -v test_consumer.py)
done_step "Python consumer"

step "Java: the dist/java artifact and aws-cdk-lib from Maven Central, then JUnit"
m2=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
# The local artifact is always 0.0.0: drop the copy an earlier run cached, so this run uses dist/java.
rm -rf "$m2/io/github/lakereplica/cdk-multi-region-lake-replica"
(cd test/consumers/java && mvn -B --no-transfer-progress -Dmaven.repo.local="$m2" test)
done_step "Java consumer"

step "Go: the dist/go module through a replace directive, then go test"
# shellcheck source=scripts/package-env.sh
source scripts/package-env.sh
(cd test/consumers/go && go mod tidy && go test -count=1 -v .)
done_step "Go consumer"
