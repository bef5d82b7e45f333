#!/bin/bash
# Fetch the pinned Debian kernel (tools/kernel/kernel.env) into the cache:
#   stock/  Debian's image, modules (decompressed, depmod'ed) and headers,
#           ready for out-of-tree module builds (VSVM_STOCK_BUILD);
#   src/    linux-source-6.12, the exact source, for the debug kernel.
# Idempotent: a finished fetch leaves a stamp and is not repeated.
set -euo pipefail
. "$(dirname "$0")/common.sh"

stamp="$VSVM_KDIR/.fetched"

# The sanitised uapi headers, for userspace tools that need ones libdrm
# lacks (vgem's).  Its own stamp, so older caches get it too.
install_uapi() {
	[ -e "$VSVM_KDIR/uapi/.installed" ] && return
	make -s -C "$VSVM_SRC" O="$VSVM_KDIR/uapi-build" INSTALL_HDR_PATH="$VSVM_KDIR/uapi" \
		headers_install >/dev/null
	touch "$VSVM_KDIR/uapi/.installed"
}

if [ -e "$stamp" ]; then
	install_uapi
	exit 0
fi

pkgs=(
	"linux-source-6.12"
	"linux-headers-$VSVM_KREL"
	"linux-headers-$VSVM_KABI-common"
	"linux-kbuild-$VSVM_KABI"
	"linux-image-$VSVM_KREL-unsigned"
)

mkdir -p "$VSVM_CACHE/pkgs"
cd "$VSVM_CACHE/pkgs"
debs=()
for p in "${pkgs[@]}"; do
	deb=$(ls "${p}_${VSVM_KPKG//:/%3a}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		vsvm_log "downloading $p=$VSVM_KPKG"
		if ! apt-get -q -o APT::Sandbox::User=root download "$p=$VSVM_KPKG" >/dev/null; then
			apt-get -q update >/dev/null
			apt-get -q -o APT::Sandbox::User=root download "$p=$VSVM_KPKG" >/dev/null ||
				vsvm_die "$p=$VSVM_KPKG is not in the archive any more: see tools/kernel/kernel.env for how to move the pin"
		fi
		deb=$(ls "${p}_${VSVM_KPKG//:/%3a}"_*.deb | head -n1)
	fi
	# The three kernel packages must come from one and the same release.
	v=$(dpkg-deb -f "$deb" Version)
	[ "$v" = "$VSVM_KPKG" ] || vsvm_die "$deb has version $v, expected $VSVM_KPKG"
	debs+=("$PWD/$deb")
done

rm -rf "$VSVM_KDIR"
mkdir -p "$VSVM_STOCK_ROOT" "$VSVM_KDIR/src"
for deb in "${debs[@]}"; do
	case "$deb" in
	*linux-source-*)
		vsvm_log "unpacking the kernel source"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
			tar -xJ -C "$VSVM_KDIR/src"
		;;
	*) dpkg -x "$deb" "$VSVM_STOCK_ROOT" ;;
	esac
done

# The headers' Makefile includes the -common Makefile by absolute path.
sed -i "s|^include /usr/src/|include $VSVM_STOCK_ROOT/usr/src/|" "$VSVM_STOCK_BUILD/Makefile"

# Debian ships modules xz-compressed; decompress them so the guest's busybox
# modprobe can load them, and index the unpacked tree.
moddir=
for d in "$VSVM_STOCK_ROOT"/{usr/,}lib/modules/"$VSVM_KREL"; do
	[ -d "$d" ] && moddir=$d
done
[ -n "$moddir" ] || vsvm_die "no modules directory in the image package"
find "$moddir" -name '*.ko.xz' -print0 | xargs -0 -r -P "$VSVM_JOBS" -n 64 xz -d
depmod -b "${moddir%/lib/modules/*}" "$VSVM_KREL"

install_uapi
touch "$stamp"
vsvm_log "kernel $VSVM_KPKG ready in $VSVM_KDIR"
