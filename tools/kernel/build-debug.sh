#!/bin/bash
# Build the debug test kernel from the pinned linux-source-6.12: tinyconfig
# plus tools/kernel/debug.config, with vsvm's own Kconfig entry added to the
# tree so that its selects (DRM_EXEC, DRM_GPUVM, DRM_SCHED, ... which have no
# prompt) are resolved exactly as for an in-tree build.  vsvm itself is always
# built out of tree against the result, so driver changes never rebuild the
# kernel.  The result is cached in $(vsvm_debug_dir), keyed by a hash of the
# inputs, and its path printed on stdout.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Bump when a change to this recipe changes the kernel it produces.
VSVM_DEBUG_RECIPE=1

bash "$VSVM_TOP/tools/kernel/fetch.sh"
out=$(vsvm_debug_dir)
if [ -e "$out/.built" ]; then
	echo "$out"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out"
log="$out/build.log"
start=$(date +%s)

# vsvm's Kconfig entry, as drivers/gpu/drm/vsvm/Kconfig in the source tree.
mkdir -p "$VSVM_SRC/drivers/gpu/drm/vsvm"
cp "$VSVM_TOP/Kconfig" "$VSVM_SRC/drivers/gpu/drm/vsvm/Kconfig"
grep -q '^source "drivers/gpu/drm/vsvm/Kconfig"' "$VSVM_SRC/drivers/gpu/drm/Kconfig" ||
	echo 'source "drivers/gpu/drm/vsvm/Kconfig"' >> "$VSVM_SRC/drivers/gpu/drm/Kconfig"

kmake() { make -C "$VSVM_SRC" O="$out" "$@"; }

vsvm_log "configuring the debug kernel in $out"
{
	kmake tinyconfig
	"$VSVM_SRC/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$VSVM_TOP/tools/kernel/debug.config"
	kmake olddefconfig
} >"$log" 2>&1 || { tail -n 40 "$log"; vsvm_die "configuring the debug kernel failed"; }

# Every option the fragment asks for must have survived olddefconfig: a
# missing dependency would otherwise silently drop a debug feature.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$out/.config" || { vsvm_log "not applied: $line ($(grep "^${line%%=*}=\|^# ${line%%=*} is not set" "$out/.config" || echo absent))"; bad=1; }
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" || { vsvm_log "not applied: $line"; bad=1; }
		;;
	esac
done < "$VSVM_TOP/tools/kernel/debug.config"
[ "$bad" = 0 ] || vsvm_die "tools/kernel/debug.config does not apply cleanly"

vsvm_log "building the debug kernel with $VSVM_JOBS jobs (about 7 minutes on 2 cores; log: $log)"
kmake -j"$VSVM_JOBS" bzImage modules >>"$log" 2>&1 ||
	{ tail -n 60 "$log"; vsvm_die "building the debug kernel failed"; }
kmake INSTALL_MOD_PATH="$out/modroot" INSTALL_MOD_STRIP=1 modules_install >>"$log" 2>&1 ||
	{ tail -n 40 "$log"; vsvm_die "installing the debug kernel's modules failed"; }

echo "$(( $(date +%s) - start ))" > "$out/build-seconds"
touch "$out/.built"
vsvm_log "debug kernel built in $(cat "$out/build-seconds") s"
echo "$out"
