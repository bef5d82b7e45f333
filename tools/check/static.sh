#!/bin/bash
# The static checks of `make check`, each reported as one test:
#   checkpatch --strict (DRM maintainers' profile), kernel-doc -none -Wall,
#   W=1 -Werror plus sparse (C=2) builds for both kernels and for a user's
#   build without the test knobs (which must then be absent from vsvm.ko),
#   the uapi header compiled standalone for 64-bit, 32-bit and C++ with
#   layout asserts, libvsvm's exported symbols against its headers, the
#   HTML documentation (Sphinx, warnings as errors), a DKMS build against
#   the stock headers, the files' license tags, and the tools' man pages
#   through groff -ww.
# Any finding fails its check.  Counts go to build/static/counts.
set -uo pipefail
. "$(dirname "$0")/../kernel/common.sh"

out="$VSVM_TOP/build/static"
mkdir -p "$out"
pass=0 fail=0

check() {
	local name=$1 log="$out/$1.log"
	shift
	if "$@" >"$log" 2>&1; then
		echo "PASS static $name"
		pass=$((pass + 1))
	else
		echo "FAIL static $name"
		sed 's/^/    | /' "$log" | head -n 80
		fail=$((fail + 1))
	fi
}

cd "$VSVM_TOP"
bash tools/kernel/fetch.sh || vsvm_die "fetching the kernel source failed"
kfiles=(drm/*.c drm/*.h drm/tests/*.c uapi/drm/vsvm_drm.h)

# Fails when the command fails or prints anything at all.
silent() {
	local output rc
	output=$("$@" 2>&1)
	rc=$?
	[ -n "$output" ] && printf '%s\n' "$output"
	[ $rc = 0 ] && [ -z "$output" ]
}

# dim's checkpatch profile for DRM trees: --strict, 100 columns.
checkpatch() {
	silent perl "$VSVM_SRC/scripts/checkpatch.pl" --no-tree --quiet --no-summary \
		--show-types --strict --max-line-length=100 \
		--ignore=BIT_MACRO,SPLIT_STRING,LONG_LINE_STRING,BOOL_MEMBER,FILE_PATH_CHANGES \
		--file "${kfiles[@]}" Kconfig
}
check checkpatch checkpatch

check kernel-doc silent perl "$VSVM_SRC/scripts/kernel-doc" -none -Wall "${kfiles[@]}"

# W=1 with -Werror, and sparse on every file (C=2), against each kernel.
wbuild() {
	local kernel=$1 log
	log=$(bash tools/build-module.sh "$kernel" W=1 C=2 KCFLAGS=-Werror \
		CHECK="sparse -Wsparse-error" 2>&1)
	local rc=$?
	# Any compiler or sparse diagnostic about vsvm's own files fails.
	if [ $rc != 0 ] || grep -E '(warning|error):' <<<"$log" | grep -q 'build/km/'; then
		grep -E '(warning|error)' <<<"$log" || printf '%s\n' "$log" | tail -n 30
		return 1
	fi
}
check w1-sparse-stock wbuild stock
check w1-sparse-debug wbuild debug

# A user's build: without CONFIG_DRM_VSVM_DEBUG it compiles warning-free
# and carries none of the tests' knobs (no symbol, no debugfs file name).
wbuild_noknobs() { (export VSVM_KNOBS=0; wbuild stock); }
check w1-sparse-noknobs wbuild_noknobs
noknobs() {
	local ko=${1:-build/km/stock-noknobs/drm/vsvm.ko} found
	[ -f "$ko" ] || { echo "$ko not built"; return 1; }
	found=$( { nm "$ko" | grep -Ew 'vsvm_inject|vsvm_debug_[a-z0-9_]+'
		   strings "$ko" | grep -Ew 'userptr_inject|engine_cmd_delay_us|dmachk_break|dmachk_expect'
		 } | sort -u)
	[ -z "$found" ] || { echo "test knobs in the production module:"; echo "$found"; return 1; }
}
check no-test-knobs noknobs

# Every check in uapi_test.c is a static assertion: compiling it for each
# ABI is the test.  (Running a -m32 binary would also need the build
# machine's kernel to run 32-bit programs, which CI machines may not.)
uapi() {
	local inc=(-I/usr/include/libdrm -Iuapi/drm)
	gcc -m64 -std=c11 -Wall -Wextra -Werror -pedantic "${inc[@]}" -c -o "$out/uapi64.o" tools/check/uapi_test.c &&
	gcc -m32 -std=c11 -Wall -Wextra -Werror -pedantic "${inc[@]}" -c -o "$out/uapi32.o" tools/check/uapi_test.c &&
	g++ -x c++ -std=c++17 -Wall -Wextra -Werror "${inc[@]}" -Dstatic_assert=static_assert \
		-D_Static_assert=static_assert -fsyntax-only tools/check/uapi_test.c
}
check uapi-header uapi

# libvsvm exports exactly its headers' public functions (the version script
# userspace/lib/libvsvm.map), so that its ABI changes only on purpose.
libvsvm_exports() {
	make --no-print-directory libvsvm >/dev/null && bash tools/check/libvsvm-exports.sh
}
check libvsvm-exports libvsvm_exports

# The documentation renders as HTML with no Sphinx or kernel-doc warning
# (warnings are errors; --keep-going reports them all).
check htmldocs bash tools/htmldocs.sh -W --keep-going

# Debian's dkms builds the module from dkms.conf against the pinned stock
# headers, in private trees under build/static/dkms/ (no root, nothing
# written to the host's /usr/src, /var/lib/dkms or /lib/modules).
dkms_build() {
	local ver d ko
	ver=$(awk '/define VSVM_DRIVER_MAJOR/ { ma = $3 } /define VSVM_DRIVER_MINOR/ { mi = $3 }
		   END { print ma "." mi }' drm/vsvm_drv.h)
	grep -qx "PACKAGE_VERSION=\"$ver\"" dkms.conf ||
		{ echo "dkms.conf: PACKAGE_VERSION is not the driver's version $ver"; return 1; }
	command -v dkms >/dev/null || { echo "dkms is missing (tools/setup-host.sh)"; return 1; }
	d=$out/dkms
	rm -rf "$d"
	mkdir -p "$d/src/vsvm-$ver" "$d/tree"
	cp -r dkms.conf drm uapi "$d/src/vsvm-$ver/"
	dkms add -m vsvm -v "$ver" --sourcetree "$d/src" --dkmstree "$d/tree" &&
	dkms build -m vsvm -v "$ver" -k "$VSVM_KREL" --kernelsourcedir "$VSVM_STOCK_BUILD" \
		--sourcetree "$d/src" --dkmstree "$d/tree" -j "$VSVM_JOBS" || {
		cat "$d"/tree/vsvm/"$ver"/build/make.log 2>/dev/null | tail -n 30
		return 1
	}
	ko=$(find "$d/tree/vsvm/$ver/$VSVM_KREL" -name 'vsvm.ko*' | head -n 1)
	[ -n "$ko" ] || { echo "dkms built no vsvm.ko"; return 1; }
	modinfo -F vermagic "$ko" | grep -q "^$VSVM_KREL " ||
		{ echo "$ko: vermagic $(modinfo -F vermagic "$ko"), not $VSVM_KREL"; return 1; }
}
check dkms dkms_build

# Every source file carries an SPDX tag, one of the two in COPYING; what
# userspace builds into its programs (uapi, libvsvm, tools, IGT tests) is
# MIT, the kernel side GPL-2.0-only.
licenses() {
	local f tag want bad=0
	while IFS= read -r f; do
		tag=$(head -n 3 "$f" | sed -n 's/.*SPDX-License-Identifier: \([^ *]*\).*/\1/p' | head -n 1)
		case "$f" in
		uapi/*|userspace/*|igt-tests/*) want=MIT ;;
		drm/*|docs/*|Kconfig|Makefile|dkms.conf) want=GPL-2.0-only ;;
		*) want= ;;
		esac
		case "$f" in
		*.c|*.h|*.rst|*.py|*.dot|Kconfig|Makefile|*/Makefile|dkms.conf) [ -n "$tag" ] ||
			{ echo "$f: no SPDX-License-Identifier"; bad=1; continue; } ;;
		esac
		[ -z "$tag" ] && continue
		case "$tag" in
		GPL-2.0-only|MIT) ;;
		*) echo "$f: $tag is neither GPL-2.0-only nor MIT (COPYING)"; bad=1; continue ;;
		esac
		[ -z "$want" ] || [ "$tag" = "$want" ] || { echo "$f: $tag, should be $want (COPYING)"; bad=1; }
	done < <(git ls-files 2>/dev/null || find . -path ./build -prune -o -type f -print | sed 's|^\./||')
	[ -f LICENSES/GPL-2.0 ] && [ -f LICENSES/MIT ] && [ -f COPYING ] ||
		{ echo "COPYING or LICENSES/ is missing"; bad=1; }
	return $bad
}
check licenses licenses

# The tools' man pages: groff with every warning on; any warning fails.
manpages() {
	local f
	for f in userspace/man/*.1; do
		groff -man -ww -z "$f" || return 1
	done
}
check man-pages silent manpages

echo "$pass $fail 0" > "$out/counts"
echo "static: $pass passed, $fail failed"
[ $fail = 0 ]
