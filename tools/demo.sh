#!/bin/bash
# `make demo`: boot the test VM with Debian's stock kernel, load vsvm and
# print a readable report of its devices (vsvm-info --selftest), then the
# four steps of vsvm-demo: a notifier userptr and its invalidation's stages,
# a registration against RLIMIT_MEMLOCK, GPU faults in an SVM VM, and a
# dma-buf shared by the two devices with implicit sync.
set -euo pipefail
. "$(dirname "$0")/kernel/common.sh"
cd "$VSVM_TOP"

bash tools/setup-host.sh
bash tools/kernel/fetch.sh
make --no-print-directory userspace >/dev/null
bash tools/vm/run.sh --kernel stock --demo --timeout 300 |
	grep -v '^PASS stock \(vm/completed\|kernel/log-clean\|module/\)'
