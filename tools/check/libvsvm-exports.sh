#!/bin/bash
# libvsvm exports exactly the public functions of its headers:
#   tools/check/libvsvm-exports.sh [path/to/libvsvm.so]
# The names declared in userspace/lib/libvsvm.h and libvsvm_cs.h (gcc's
# -aux-info lists every declaration with its file), the global names of the
# version script userspace/lib/libvsvm.map, and the dynamic symbols the
# built library defines must be the same three lists.
set -euo pipefail
cd "$(dirname "$0")/../.."
so=${1:-build/user/libvsvm.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo '#include "libvsvm.h"' > "$tmp/h.c"
# shellcheck disable=SC2046
gcc $(pkg-config --cflags libdrm) -Iuapi/drm -Iuserspace/lib -fsyntax-only \
	-aux-info "$tmp/aux" "$tmp/h.c"
grep -E '^/\* userspace/lib/libvsvm(_cs)?\.h:' "$tmp/aux" |
	sed -E 's/.*[ *]([a-z_][a-z0-9_]*) \(.*/\1/' | sort -u > "$tmp/header"
sed -n '/^global:/,/^local:/p' userspace/lib/libvsvm.map | grep -Eo '^\s+[a-z_][a-z0-9_]*;' |
	tr -d ' \t;' | sort -u > "$tmp/map"
[ -f "$so" ] || { echo "$so not built (make libvsvm)"; exit 1; }
nm -D --defined-only "$so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
	sort -u > "$tmp/so"

rc=0
if ! diff -u --label header-functions --label version-script "$tmp/header" "$tmp/map"; then
	echo "userspace/lib/libvsvm.map does not list exactly the headers' functions"
	rc=1
fi
if ! diff -u --label version-script --label "$so" "$tmp/map" "$tmp/so"; then
	echo "$so does not export exactly the version script's functions"
	rc=1
fi
[ $rc = 0 ] && echo "libvsvm exports $(wc -l < "$tmp/map") functions, all declared"
exit $rc
