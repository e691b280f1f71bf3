#!/usr/bin/env bash
# Tests the pytest plugin as a user would: builds the binary, installs
# ./python into a fresh virtual environment (offline: --no-build-isolation
# uses the installed setuptools; --no-index never asks PyPI), copies the
# plugin's tests into a scratch project outside the repository and runs
# pytest there, with chimevoice on PATH.
#
# Needs Python 3 with pytest, boto3 and setuptools: Debian's python3-pytest,
# python3-boto3 and python3-setuptools (PYTHON=/usr/bin/python3 by default,
# which has them; the venv sees them through --system-site-packages).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d /tmp/chimevoice-python-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

go build -o "$WORK/bin/chimevoice" ./cmd/chimevoice
"$PY" -m venv --system-site-packages "$WORK/venv"
"$WORK/venv/bin/pip" install -q --no-index --no-build-isolation ./python
rm -rf python/build python/*.egg-info # what setuptools leaves in the source tree

mkdir "$WORK/project"
cp python/tests/test_plugin.py "$WORK/project/"
scripts/readme-snippet.sh 'def test_deletion_queue(chime_sdk_voice' >"$WORK/project/test_readme.py"
cd "$WORK/project"
# --basetemp keeps tmp_path under $WORK (pytest would keep the last three under /tmp/pytest-of-$USER).
PATH="$WORK/bin:$PATH" "$WORK/venv/bin/python" -m pytest -p no:cacheprovider -q --basetemp="$WORK/pytest"
