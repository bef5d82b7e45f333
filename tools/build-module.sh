#!/bin/bash
# Build vsvm.ko (and vsvm_kunit.ko where the kernel has KUnit) out of tree
# for one of the test kernels, or for any kernel's build tree:
#   tools/build-module.sh stock|debug [extra kbuild arguments, e.g. W=1 C=2]
#   tools/build-module.sh --kdir DIR [extra kbuild arguments]
# Kbuild in 6.12 builds external modules in their source directory, so each
# kernel gets its own copy of the sources in build/km/<kernel>/ (for a
# --kdir build, build/km/<its kernel release>/).
# For the test kernels the tests' knobs (CONFIG_DRM_VSVM_DEBUG,
# drm/vsvm_debug.c) are built in; with VSVM_KNOBS=0 the module is built as a
# user's would be, without them, in build/km/<kernel>-noknobs/.  A --kdir
# build is a user's build: no knobs unless VSVM_KNOBS=1.
set -euo pipefail
. "$(dirname "$0")/kernel/common.sh"

kernel=${1:?usage: build-module.sh stock|debug|--kdir DIR [kbuild args]}
shift
knobs_default=1
case "$kernel" in
--kdir)
	kdir=${1:?--kdir needs a kernel build directory}
	shift
	kdir=$(cd "$kdir" 2>/dev/null && pwd) || vsvm_die "no such directory: $kdir"
	[ -f "$kdir/Makefile" ] && [ -f "$kdir/include/config/kernel.release" ] ||
		vsvm_die "$kdir is not a configured kernel build tree (no include/config/kernel.release)"
	kernel=$(cat "$kdir/include/config/kernel.release")
	# vsvm follows the drm_sched and drm_gpuvm interfaces of the pinned
	# Debian 6.12 release (README.md, "Kernels"): say so rather than fail
	# in the compiler.
	case "$kernel" in
	6.12.*) ;;
	*) vsvm_die "$kdir is Linux $kernel: vsvm builds against 6.12 only (see README.md)" ;;
	esac
	# The headers are in the tree itself, in its source/ (an O= build) or,
	# for Debian's split headers packages, in the tree its Makefile includes.
	sched_h=
	for d in "$kdir" "$kdir/source" "$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$kdir/Makefile")"; do
		[ -f "$d/include/drm/gpu_scheduler.h" ] && { sched_h=$d/include/drm/gpu_scheduler.h; break; }
	done
	[ -n "$sched_h" ] || vsvm_die "$kdir: no include/drm/gpu_scheduler.h found"
	grep -q 'struct drm_sched_init_args' "$sched_h" ||
		vsvm_die "$sched_h has no struct drm_sched_init_args: a 6.12 older than vsvm's (see README.md)"
	knobs_default=0
	;;
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
if [ "${VSVM_KNOBS:-$knobs_default}" = 0 ]; then
	[ "$knobs_default" = 1 ] && out+=-noknobs
	knobs=()
fi
mkdir -p "$out"
# Keep the build products (not in the source tree) so rebuilds are incremental.
rsync -a --delete --exclude='*.o' --exclude='.*.cmd' --exclude='*.ko' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude=Module.symvers \
	--exclude=modules.order --exclude='.tmp*' --exclude='.*.d' \
	"$VSVM_TOP/drm" "$VSVM_TOP/uapi" "$out/"

make -C "$kdir" M="$out/drm" CONFIG_DRM_VSVM=m "${knobs[@]}" -j"$VSVM_JOBS" "$@" modules
