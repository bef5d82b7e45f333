#!/bin/bash
# libvsvm as a user installs and builds against it:
#   tools/check/install-test.sh OUTPUT
# `make install PREFIX=/usr DESTDIR=build/install`, then builds
# userspace/tests/vsvm_install.c with nothing but
# `pkg-config --cflags --libs libvsvm`, resolved in that DESTDIR as a
# sysroot, into OUTPUT (dynamically linked to libvsvm.so.1).  The VM's IGT
# suite runs it, with the DESTDIR's libraries installed in the guest's /usr/lib
# (tools/vm/mkinitramfs.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
output=${1:?usage: install-test.sh OUTPUT}
destdir=$PWD/build/install

rm -rf "$destdir"
make --no-print-directory install PREFIX=/usr DESTDIR="$destdir" >/dev/null
# Everything a user needs is where it belongs.
for f in usr/lib/libvsvm.so.1 usr/lib/libvsvm.so usr/lib/libvsvm.a \
	 usr/lib/pkgconfig/libvsvm.pc usr/include/vsvm/libvsvm.h \
	 usr/include/vsvm/libvsvm_cs.h usr/include/vsvm/vsvm_drm.h usr/bin/vsvm-info; do
	[ -e "$destdir/$f" ] || { echo "make install did not install /$f"; exit 1; }
done
soname=$(readelf -d "$destdir/usr/lib/libvsvm.so.1" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libvsvm.so.1 ] || { echo "libvsvm.so.1's soname is '$soname'"; exit 1; }

# A sysroot holds the dependencies too: libdrm's headers, from the host.
mkdir -p "$destdir/usr/include"
ln -sfn "$(pkg-config --variable=includedir libdrm)/libdrm" "$destdir/usr/include/libdrm"

export PKG_CONFIG_PATH=$destdir/usr/lib/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$destdir
flags=$(pkg-config --cflags --libs libvsvm)
mkdir -p "$(dirname "$output")"
# shellcheck disable=SC2086
${CC:-gcc} -O2 -Wall -Wextra -Werror -o "$output" userspace/tests/vsvm_install.c $flags
readelf -d "$output" | grep -q 'NEEDED.*\[libvsvm\.so\.1\]' ||
	{ echo "$output does not load libvsvm.so.1"; exit 1; }
