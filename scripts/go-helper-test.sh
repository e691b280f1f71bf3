#!/usr/bin/env bash
# Uses the Go helper (package testserver) as another module would before
# chimevoice is published: a scratch module outside the repository that
# requires github.com/chimevoice/chimevoice with a replace directive to this
# clone, and a test that starts the server through the helper (which builds
# cmd/chimevoice from the clone, as no binary is on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORK=$(mktemp -d /tmp/chimevoice-go-helper-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
cat >go.mod <<EOM
module example.com/usercode

go 1.26

require github.com/chimevoice/chimevoice v0.0.0

replace github.com/chimevoice/chimevoice => $REPO
EOM
cp "$REPO/testserver/testserver_test.go" usercode_test.go
mkdir mypkg
"$REPO/scripts/readme-snippet.sh" 'package mypkg_test' >mypkg/readme_test.go # the README's snippet
go mod tidy
env -u CHIMEVOICE_BIN -u CHIMEVOICE_IMAGE go test -count=1 ./...
