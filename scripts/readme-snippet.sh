#!/usr/bin/env bash
# Prints the fenced code block of README.md whose text contains MARKER, so
# that the test scripts run the README's snippets as a user copies them.
#   scripts/readme-snippet.sh 'package mypkg_test' > readme_test.go
set -euo pipefail
marker=$1
awk -v marker="$marker" '
  /^[ ]*```/ { if (inblock) { if (found) { printf "%s", buf; exit 0 } inblock = 0; buf = ""; next } inblock = 1; found = 0; next }
  inblock { buf = buf $0 "\n"; if (index($0, marker)) found = 1 }
  END { if (!found) exit 1 }
' "$(dirname "$0")/../README.md"
