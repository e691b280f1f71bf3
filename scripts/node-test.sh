#!/usr/bin/env bash
# Runs the Node helper's tests (node:test, AWS SDK for JavaScript v3) as a
# user's project would: a scratch directory outside the repository with the
# helper and its test copied in, the SDK installed from the npm registry
# (npm's cache first), chimevoice on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/chimevoice-node-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

go build -o "$WORK/bin/chimevoice" ./cmd/chimevoice
mkdir -p "$WORK/project/test"
cp node/chimevoice.cjs node/package.json "$WORK/project/"
cp node/test/*.mjs "$WORK/project/test/"
scripts/readme-snippet.sh '// search.test.mjs' >"$WORK/project/readme.test.mjs"
cd "$WORK/project"
npm install --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
PATH="$WORK/bin:$PATH" node --test # test/*.test.mjs and the README snippet
