#!/bin/bash
# Build the test VM's initramfs for one kernel:
#   tools/vm/mkinitramfs.sh stock|debug OUTPUT
# It holds busybox (Debian's busybox-static), /init (tools/vm/init.sh), the
# userspace tools and IGT tests with the shared libraries they need, and the
# modules vsvm and the tests load, with their dependencies, depmod'ed.
# Expects the module (tools/build-module.sh) and userspace (make userspace)
# to be built already.
set -euo pipefail
. "$(dirname "$0")/../kernel/common.sh"

kernel=${1:?usage: mkinitramfs.sh stock|debug OUTPUT}
output=${2:?usage: mkinitramfs.sh stock|debug OUTPUT}
build="$VSVM_TOP/build"

case "$kernel" in
stock)
	modbase=$VSVM_STOCK_ROOT
	krel=$VSVM_KREL
	[ -d "$modbase/lib/modules/$krel" ] || modbase="$VSVM_STOCK_ROOT/usr"
	# configfs: vsvm loads it as a dependency; it is here in its own right
	# so that vsvm_configfs can tell a vsvm without configfs devices from a
	# kernel without configfs.
	extra_modules=(vgem configfs)
	# P3's reference: ibv_reg_mr on soft-RoCE over a dummy netdev.
	bench_modules=(rdma_rxe ib_uverbs dummy crc32_generic)
	;;
debug)
	kdir=$(vsvm_debug_dir)
	modbase="$kdir/modroot"
	krel=$(cat "$kdir/include/config/kernel.release")
	# vkms: the anchor vsvm_kms runs against too (init.sh).
	extra_modules=(vgem test_hmm vkms)
	bench_modules=()
	;;
*) vsvm_die "unknown kernel '$kernel'" ;;
esac
[ -d "$modbase/lib/modules/$krel" ] || vsvm_die "no modules for $krel in $modbase"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# mktemp -d makes the directory 0700, and it becomes the guest's /: tests
# that drop root must still reach /sys, /tmp and /opt.
chmod 0755 "$stage"
mkdir -p "$stage"/{bin,lib,lib64,opt/vsvm/bin,opt/vsvm/igt,opt/vsvm/lib}

cp /bin/busybox "$stage/bin/busybox"
install -m 0755 "$VSVM_TOP/tools/vm/init.sh" "$stage/init"

# Userspace: tools, tests, and every shared library they load.
bins=()
for f in "$build"/user/bin/*; do
	[ -x "$f" ] && cp "$f" "$stage/opt/vsvm/bin/" && bins+=("$f")
done
for f in "$build"/igt/*; do
	[ -x "$f" ] && [ -f "$f" ] && cp "$f" "$stage/opt/vsvm/igt/" && bins+=("$f")
done
[ ${#bins[@]} -gt 0 ] || vsvm_die "no userspace binaries in $build: run 'make userspace'"
# Upstream IGT binaries named by the list in VSVM_UPSTREAM_LIST (run.sh
# --upstream): each line "PATH [ARGS...]" is a program the suite runs, a
# line "+PATH" a file it only copies (a helper a listed script runs, a
# library to preload); both go to /opt/upstream/bin, and
# /opt/upstream/list names what to run.  A line "NAME=VALUE" sets an
# environment variable for the programs after it.
up_bins=()
if [ -n "${VSVM_UPSTREAM_LIST:-}" ]; then
	mkdir -p "$stage/opt/upstream/bin"
	: > "$stage/opt/upstream/list"
	while read -r path args; do
		case "$path" in ''|'#'*) continue ;; esac
		case "$path" in
		[A-Za-z_]*=*) echo "$path" >> "$stage/opt/upstream/list"; continue ;;
		esac
		copy_only=
		case "$path" in +*) copy_only=1; path=${path#+} ;; esac
		# A name without a directory is in the IGT build's tests/
		# (run.sh --upstream-bin), so that a list names no host path.
		case "$path" in
		*/*) ;;
		*) [ -n "${VSVM_UPSTREAM_BIN:-}" ] && path=$VSVM_UPSTREAM_BIN/$path ;;
		esac
		[ -f "$path" ] || vsvm_die "$VSVM_UPSTREAM_LIST: $path: no such file"
		cp "$path" "$stage/opt/upstream/bin/" && bins+=("$path") && up_bins+=("$path")
		[ -n "$copy_only" ] || echo "${path##*/} $args" >> "$stage/opt/upstream/list"
	done < "$VSVM_UPSTREAM_LIST"
	# Their own libraries (an IGT build's libigt.so, found through a
	# RUNPATH relative to the build tree) go to /opt/upstream/lib, which
	# the suite puts on LD_LIBRARY_PATH; the system's go where they were.
	mkdir -p "$stage/opt/upstream/lib"
	# For programs that must reach a driver IGT's DRIVER_ANY leaves out
	# (LD_PRELOAD=/opt/upstream/lib/igt-driver-any.so, see the file).
	read -r -a drm_cflags <<< "$(pkg-config --cflags libdrm)"
	gcc -shared -fPIC -O2 -Wall -Wextra -Werror "${drm_cflags[@]}" \
		-o "$stage/opt/upstream/lib/igt-driver-any.so" "$VSVM_TOP/tools/vm/igt-driver-any.c" -ldl
	for lib in $(ldd "${up_bins[@]}" 2>/dev/null | grep -v ":$" | grep -o '/[^ ]*\.so[^ ]*' |
		     grep -Ev '^/(usr/)?lib(64|32)?/' | sort -u); do
		cp -L "$lib" "$stage/opt/upstream/lib/"
	done
fi
# iproute2's ip and rdma, to make the rxe device P3 compares with.
for f in /usr/bin/rdma /bin/ip /sbin/ip; do
	if [ -x "$f" ]; then
		cp "$f" "$stage/opt/vsvm/bin/${f##*/}" && bins+=("$f")
	fi
done
# (ldd names each file on a line of its own, ending with a colon.)
for lib in $(ldd "${bins[@]}" 2>/dev/null | grep -v ":$" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done
# libvsvm as `make install PREFIX=/usr` installs it (tools/check/install-test.sh):
# vsvm_install loads libvsvm.so.1 from /usr/lib, as a user's program would.
if [ -d "$build/install/usr/lib" ]; then
	mkdir -p "$stage/usr/lib"
	cp -a "$build"/install/usr/lib/libvsvm.so* "$stage/usr/lib/"
fi

# glibc loads libgcc_s with dlopen() to unwind a thread that is cancelled
# or exits with pthread_exit() (as igt_assert in a thread does): no ldd
# lists it.
libgcc_s=$(gcc -print-file-name=libgcc_s.so.1)
[ -f "$libgcc_s" ] || libgcc_s=/lib/$(gcc -print-multiarch)/libgcc_s.so.1
mkdir -p "$stage/lib/$(gcc -print-multiarch)"
cp -L "$libgcc_s" "$stage/lib/$(gcc -print-multiarch)/libgcc_s.so.1"

# libibverbs loads its providers with dlopen(): rxe's, and its driver file.
multiarch=$(gcc -print-multiarch)
if [ -d "/usr/lib/$multiarch/libibverbs" ] && [ -d /etc/libibverbs.d ]; then
	mkdir -p "$stage/usr/lib/$multiarch/libibverbs" "$stage/etc/libibverbs.d"
	cp -L /usr/lib/"$multiarch"/libibverbs/librxe-*.so "$stage/usr/lib/$multiarch/libibverbs/"
	cp /etc/libibverbs.d/rxe.driver "$stage/etc/libibverbs.d/"
fi

# Modules: vsvm (and its KUnit tests, where built) plus their dependencies
# and the extra modules the tests use, resolved in the kernel's module tree.
# With VSVM_KNOBS=0, the module built without the test knobs.
km="$build/km/$kernel"
[ "${VSVM_KNOBS:-1}" = 0 ] && km+=-noknobs
kmods=("$km/drm/vsvm.ko")
[ -f "$km/drm/tests/vsvm_kunit.ko" ] &&
	kmods+=("$km/drm/tests/vsvm_kunit.ko")
[ -f "${kmods[0]}" ] || vsvm_die "${kmods[0]} missing: run tools/build-module.sh $kernel"

moddst="$stage/lib/modules/$krel"
mkdir -p "$moddst/extra"
cp "${kmods[@]}" "$moddst/extra/"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$modbase/lib/modules/$krel/$f" ] && cp "$modbase/lib/modules/$krel/$f" "$moddst/"
done
wanted=("${extra_modules[@]}")
# The driver the upstream suite tests (run.sh --upstream-driver), if any.
[ -n "${VSVM_UPSTREAM_DRIVER:-}" ] && wanted+=("${VSVM_UPSTREAM_DRIVER%%,*}")
for m in "${kmods[@]}"; do
	IFS=, read -r -a deps <<< "$(modinfo -F depends "$m")"
	wanted+=("${deps[@]}")
done
for m in "${wanted[@]}"; do
	[ -n "$m" ] || continue
	[ "$m" = vsvm ] && continue
	modprobe -d "$modbase" -S "$krel" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }' |
		while read -r ko; do
			rel=${ko#"$modbase"/lib/modules/"$krel"/}
			mkdir -p "$moddst/$(dirname "$rel")"
			cp "$ko" "$moddst/$rel"
		done
done
# The benchmarks' modules are optional: a kernel without them runs no rxe.
for m in "${bench_modules[@]}"; do
	modprobe -d "$modbase" -S "$krel" --show-depends "$m" 2>/dev/null |
		awk '$1 == "insmod" { print $2 }' |
		while read -r ko; do
			rel=${ko#"$modbase"/lib/modules/"$krel"/}
			mkdir -p "$moddst/$(dirname "$rel")"
			cp "$ko" "$moddst/$rel"
		done || true
done
depmod -b "$stage" "$krel"

mkdir -p "$(dirname "$output")"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$output"
