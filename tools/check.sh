#!/bin/bash
# `make check`: every static check and every suite on both test kernels, on a
# fresh Debian bookworm machine as well as a warm one.  Ends with
#   N passed, N failed, N skipped
# and a non-zero exit on any failure, kernel splat or step that broke.
set -uo pipefail
. "$(dirname "$0")/kernel/common.sh"
cd "$VSVM_TOP"

start=$(date +%s)
pass=0 fail=0 skip=0
add_counts() {
	local p f s
	read -r p f s < "$1" || return 1
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}
step_failed() {
	echo "FAIL check $1"
	fail=$((fail + 1))
}
elapsed() { echo "$(( $(date +%s) - start )) s"; }

bash tools/setup-host.sh || { step_failed "host setup (tools/setup-host.sh)"; exit 1; }
bash tools/kernel/fetch.sh || { step_failed "fetching the pinned kernel"; exit 1; }
vsvm_log "[$(elapsed)] kernel $VSVM_KPKG fetched"
bash tools/kernel/build-debug.sh >/dev/null || step_failed "building the debug kernel"
vsvm_log "[$(elapsed)] debug kernel ready"
make --no-print-directory userspace >build-userspace.log 2>&1 || {
	cat build-userspace.log
	step_failed "building userspace (make userspace)"
}
rm -f build-userspace.log

rm -f build/static/counts build/vm/*/counts
bash tools/check/static.sh
add_counts build/static/counts || step_failed "static checks (no results)"
vsvm_log "[$(elapsed)] static checks done"

# The benchmarks run on the stock kernel only: their figures mean nothing
# under KASAN, and they are there to keep the tool working, not to judge.
for kernel in stock debug; do
	suites=kunit,igt,unload
	[ "$kernel" = stock ] && suites=kunit,igt,bench,unload
	bash tools/vm/run.sh --kernel "$kernel" --suites "$suites"
	add_counts "build/vm/$kernel/counts" || step_failed "the $kernel VM run (no results)"
	vsvm_log "[$(elapsed)] $kernel kernel done"
done

echo
echo "make check took $(elapsed)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
