#!/bin/bash
# Shared settings for the kernel and VM scripts.  Source it, don't run it.
# shellcheck disable=SC2034

VSVM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/kernel/kernel.env
. "$VSVM_TOP/tools/kernel/kernel.env"

# Everything downloaded or built for the test VMs lives outside the repo,
# keyed by version or content hash, so it is fetched and built once per machine.
VSVM_CACHE=${VSVM_CACHE:-$HOME/.cache/vsvm}
VSVM_KREL="$VSVM_KABI-amd64"
VSVM_KDIR="$VSVM_CACHE/kernel/$VSVM_KPKG"
VSVM_STOCK_ROOT="$VSVM_KDIR/stock"
VSVM_STOCK_BUILD="$VSVM_STOCK_ROOT/usr/src/linux-headers-$VSVM_KREL"
VSVM_SRC="$VSVM_KDIR/src/linux-source-6.12"
VSVM_JOBS=${VSVM_JOBS:-$(nproc)}

vsvm_log() { printf '[vsvm] %s\n' "$*" >&2; }
vsvm_die() { printf '[vsvm] error: %s\n' "$*" >&2; exit 1; }

# The debug kernel's build directory: its name is a hash of everything that
# decides its contents (pinned version, config fragment, vsvm's Kconfig entry
# and the build script itself).  Of the Kconfig, only the lines that shape a
# kernel configuration count (config, select, depends, default, tristate,
# bool, ...): help texts and comments are left out, so rewording them
# rebuilds nothing.  The DRM_VSVM_DEBUG entry (up to the blank line after
# it) is left out entirely: it only matters to vsvm.ko, which is built out
# of tree, not to the kernel.
vsvm_kconfig_key() {
	sed '/^config DRM_VSVM_DEBUG$/,/^$/d' "$VSVM_TOP/Kconfig" |
		awk '/^[^ \t#]/ { help = 0 }
		     /^[ \t]*(---)?help(---)?[ \t]*$/ { help = 1; next }
		     !help && /^[ \t]*(config|menuconfig|select|imply|depends|default|tristate|bool|def_bool|def_tristate|range|if|endif|menu|endmenu|choice|endchoice|source)([ \t]|$)/'
}

vsvm_debug_dir() {
	local key
	key=$({ cat "$VSVM_TOP/tools/kernel/kernel.env" \
		    "$VSVM_TOP/tools/kernel/debug.config"
		vsvm_kconfig_key
		cat "$VSVM_TOP/tools/kernel/build-debug.sh"; } | sha256sum | cut -c1-16)
	echo "$VSVM_CACHE/debug-$key"
}
