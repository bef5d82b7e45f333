#!/bin/bash
# Build vsvm.ko (and vsvm_kunit.ko where the kernel has KUnit) out of tree
# for one of the test kernels:
#   tools/build-module.sh stock|debug [extra kbuild arguments, e.g. W=1 C=2]
# Kbuild in 6.12 builds external modules in their source directory, so each
# kernel gets its own copy of the sources in build/km/<kernel>/.
# The tests' knobs (CONFIG_DRM_VSVM_DEBUG, drm/vsvm_debug.c) are built in;
# with VSVM_KNOBS=0 the module is built as a user's would be, without them,
# in build/km/<kernel>-noknobs/.
set -euo pipefail
. "$(dirname "$0")/kernel/common.sh"

kernel=${1:?usage: build-module.sh stock|debug [kbuild args]}
shift
case "$kernel" in
stock)
	bash "$VSVM_TOP/tools/kernel/fetch.sh"
	kdir=$VSVM_STOCK_BUILD
	;;
debug)
	kdir=$(bash "$VSVM_TOP/tools/kernel/build-debug.sh")
	;;
*) vsvm_die "unknown kernel '$kernel' (stock or debug)" ;;
esac

out="$VSVM_TOP/build/km/$kernel"
knobs=(CONFIG_DRM_VSVM_DEBUG=y)
if [ "${VSVM_KNOBS:-1}" = 0 ]; then
	out+=-noknobs
	knobs=()
fi
mkdir -p "$out"
# Keep the build products (not in the source tree) so rebuilds are incremental.
rsync -a --delete --exclude='*.o' --exclude='.*.cmd' --exclude='*.ko' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude=Module.symvers \
	--exclude=modules.order --exclude='.tmp*' --exclude='.*.d' \
	"$VSVM_TOP/drm" "$VSVM_TOP/uapi" "$out/"

make -C "$kdir" M="$out/drm" CONFIG_DRM_VSVM=m "${knobs[@]}" -j"$VSVM_JOBS" "$@" modules
