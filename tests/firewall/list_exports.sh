#!/usr/bin/env bash
# Writes the names of the functions a shared library exports, one a line.
#   list_exports.sh NM LIBRARY OUT
set -euo pipefail
"$1" -D --defined-only "$2" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort > "$3"
