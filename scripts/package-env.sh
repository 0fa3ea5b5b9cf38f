#!/usr/bin/env bash
# Sourced by scripts/test.sh before packaging: sets up what `jsii-pacmak --target go` and the Go consumer need.
#
# aws-cdk-go imports github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2, and the Go module proxy this
# project reaches refuses every version of that module (403 "not available"). That module is only the jsii
# wrapper of the npm package @aws-cdk/asset-awscli-v1, so we generate it with jsii-pacmak from the copy that
# npm installed (the same version aws-cdk-lib depends on) and serve it from a file-based GOPROXY placed
# before the real one. Every other module still comes from the real proxy, checked against the checksum DB.
# Needs: node_modules (scripts/bootstrap.sh), go, python3.

_lake_replica_go_env() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if ! command -v go >/dev/null 2>&1; then
    echo "package-env: 'go' is not on PATH; the Go package and the Go consumer test need Go 1.26 or later" >&2
    return 1
  fi
  local pkg="$root/node_modules/@aws-cdk/asset-awscli-v1"
  if [ ! -f "$pkg/package.json" ]; then
    echo "package-env: $pkg is missing; run scripts/bootstrap.sh first" >&2
    return 1
  fi
  local version; version="$(node -p "require('$pkg/package.json').version")"
  local module='github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2'
  local proxy="$root/node_modules/.cache/lake-replica-goproxy"
  local at="$proxy/$module/@v"
  if [ ! -f "$at/v$version.zip" ]; then
    echo "package-env: generating $module v$version from @aws-cdk/asset-awscli-v1@$version" >&2
    local work; work="$(mktemp -d)"
    cp -r "$pkg" "$work/src"
    (cd "$root" && npx jsii-pacmak "$work/src" --target go --code-only --no-npmignore --no-fingerprint -o "$work/out" >/dev/null 2>&1) || {
      echo "package-env: jsii-pacmak could not generate $module" >&2
      rm -rf "$work"
      return 1
    }
    mkdir -p "$at"
    python3 - "$work/out/go/awscliv1" "$module" "v$version" "$at" <<'PY'
import json, os, sys, zipfile
src, module, version, at = sys.argv[1:]
prefix = f"{module}@{version}/"
with zipfile.ZipFile(os.path.join(at, f"{version}.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for dirpath, _, files in os.walk(src):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            z.write(path, prefix + os.path.relpath(path, src))
with open(os.path.join(src, "go.mod")) as f, open(os.path.join(at, f"{version}.mod"), "w") as out:
    out.write(f.read())
with open(os.path.join(at, f"{version}.info"), "w") as f:
    json.dump({"Version": version, "Time": "2025-01-01T00:00:00Z"}, f)
with open(os.path.join(at, "list"), "a") as f:
    f.write(version + "\n")
PY
    rm -rf "$work"
  fi
  local upstream; upstream="$(go env GOPROXY)"
  export GOPROXY="file://$proxy,$upstream"
  local nosum; nosum="$(go env GONOSUMDB)"
  export GONOSUMDB="github.com/cdklabs/awscdk-asset-awscli-go${nosum:+,$nosum}"
  # Module cache files stay writable, so a cache directory can be removed like any other.
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw"
}
_lake_replica_go_env
