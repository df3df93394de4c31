#!/usr/bin/env bash
# Checks that a library built to be served by tether does not bring its own
# tether: no DT_NEEDED entry for libtether, and no undefined tether_*
# symbol (which the loader would bind to whatever libtether the process
# has, or fail on). Such a library reaches tether only through the
# host-function table handed to it at lane start.
#
#   check_unlinked.sh LIBRARY.so
set -euo pipefail

if [[ $# -ne 1 || ! -f "$1" ]]; then
  echo "usage: $0 LIBRARY.so (an existing file)" >&2
  exit 2
fi
for tool in readelf nm; do
  if ! command -v "$tool" >/dev/null; then
    echo "check_unlinked.sh: $tool is not installed (binutils)" >&2
    exit 1
  fi
done
needed=$(readelf -d "$1" | grep NEEDED | grep -i tether || true)
if [[ -n "$needed" ]]; then
  echo "check_unlinked.sh: $1 links libtether:" >&2
  echo "$needed" >&2
  exit 1
fi
undefined=$(nm -D --undefined-only "$1" | grep -w 'tether_[a-z_0-9]*' || true)
if [[ -n "$undefined" ]]; then
  echo "check_unlinked.sh: $1 calls libtether directly (use the host table):" >&2
  echo "$undefined" >&2
  exit 1
fi
echo "check_unlinked.sh: $(basename "$1") neither links libtether nor needs a tether symbol"
