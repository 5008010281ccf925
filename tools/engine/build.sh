#!/usr/bin/env bash
# Builds the Pulumi CLI (pinned in go.mod) and the rehearsal's Python language host into .tools/bin,
# and installs the helper programs the CLI's distribution ships beside them from the SDK module.
# Nothing here is committed; `make engine` runs this only when no `pulumi` is on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/.tools/bin"

command -v go >/dev/null || { echo "error: make engine needs Go (https://go.dev/dl/) or a Pulumi CLI on PATH" >&2; exit 127; }
cd "$here"
version="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
[ -n "$sdk" ] && [ -d "$sdk/python" ] || { go mod download github.com/pulumi/pulumi/sdk/v3; sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"; }
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"

mkdir -p "$bin"
echo "engine: building pulumi $version into .tools/bin (first build: several minutes)"
go build -trimpath -ldflags "$ldflags" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
go build -trimpath -ldflags "$ldflags" -o "$bin/pulumi-language-python" ./languagehost
# The Python program executor and the dynamic-provider host, as the CLI's distribution ships them.
install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$bin/"
install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$bin/"
echo "engine: $("$bin/pulumi" version) ready in .tools/bin"
