#!/usr/bin/env bash
# Second step of `package:go`: compiles the Go module that jsii-pacmak generated into dist/go.
#
# It builds with the aws-cdk-go version that the Go consumer test pins (test/consumers/go/go.mod), in a scratch
# modfile, so the published go.mod is left as generated. The generated go.mod requires aws-cdk-go at our
# aws-cdk-lib floor (v2.257.0) and constructs-go v10.5.1; aws-cdk-go releases before v2.240.0 did not compile
# with constructs 10.5 (they were generated against constructs 10.4), which is why this step exists: with the
# floor at v2.257.0 the two pins are the same, and the step checks they still build together.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/package-env.sh
source scripts/package-env.sh
module_dir=dist/go/cdkmultiregionlakereplica
if [ ! -f "$module_dir/go.mod" ]; then
  echo "package-go-build: $module_dir/go.mod is missing; run 'jsii-pacmak --target go' first" >&2
  exit 1
fi
cdk_go=$(awk '$1 == "github.com/aws/aws-cdk-go/awscdk/v2" { print $2 }' test/consumers/go/go.mod)
if [ -z "$cdk_go" ]; then
  echo "package-go-build: test/consumers/go/go.mod does not require github.com/aws/aws-cdk-go/awscdk/v2" >&2
  exit 1
fi
cd "$module_dir"
trap 'rm -f build.go.mod build.go.sum' EXIT
cp go.mod build.go.mod
go mod edit -modfile build.go.mod -require "github.com/aws/aws-cdk-go/awscdk/v2@$cdk_go"
go mod tidy -modfile build.go.mod
go build -modfile build.go.mod ./...
go vet -modfile build.go.mod ./...
echo "package-go-build: $module_dir builds with aws-cdk-go $cdk_go" >&2
