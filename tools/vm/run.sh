#!/bin/bash
# Boot one test kernel in QEMU, load vsvm, run suites, judge the result:
#   tools/vm/run.sh --kernel stock|debug [--suites kunit,igt,bench,unload] [--demo]
#                   [--timeout SECONDS] [--igt vsvm_userptr,vsvm_dmachk]
#                   [--igt-timeout SECONDS]
#                   [--upstream LIST [--upstream-driver vkms] [--upstream-device FILTER]
#                    [--upstream-timeout SECONDS] [--upstream-bin DIR]]
# Builds the module for that kernel and the initramfs first (userspace must
# be built: make userspace).  Logs and counts go to build/vm/<kernel>/.
# Prints one line per test and exits non-zero on any failure, kernel splat,
# or a guest that does not finish within the timeout.
set -euo pipefail
. "$(dirname "$0")/../kernel/common.sh"

kernel=stock
suites="kunit,igt,unload"
demo=0
timeout=
igt=
igt_timeout=
# Upstream IGT binaries (suite "upstream"): see docs/testing.rst.
upstream=
up_driver=
up_device=
up_timeout=120
up_bin=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--suites) suites=$2; shift 2 ;;
	--demo) demo=1; suites=; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--igt) igt=$2; shift 2 ;;
	--igt-timeout) igt_timeout=$2; shift 2 ;;
	--upstream) upstream=$2; shift 2 ;;
	--upstream-driver) up_driver=$2; shift 2 ;;
	--upstream-device) up_device=$2; shift 2 ;;
	--upstream-timeout) up_timeout=$2; shift 2 ;;
	--upstream-bin) up_bin=$2; shift 2 ;;
	*) vsvm_die "unknown argument $1" ;;
	esac
done

bash "$VSVM_TOP/tools/build-module.sh" "$kernel" >/dev/null ||
	vsvm_die "building vsvm.ko for the $kernel kernel failed (run tools/build-module.sh $kernel)"

case "$kernel" in
stock)
	image="$VSVM_STOCK_ROOT/boot/vmlinuz-$VSVM_KREL"
	has_kunit=
	mem=2G
	: "${timeout:=600}"
	;;
debug)
	image="$(vsvm_debug_dir)/arch/x86/boot/bzImage"
	has_kunit=--has-kunit
	mem=3G
	: "${timeout:=1500}"
	;;
esac

out="$VSVM_TOP/build/vm/$kernel"
mkdir -p "$out"
if [ -n "$upstream" ]; then
	[ -f "$upstream" ] || vsvm_die "--upstream $upstream: no such list"
	case ",$suites," in *",upstream,"*) ;; *) suites="$suites${suites:+,}upstream" ;; esac
fi
VSVM_UPSTREAM_LIST=${upstream:+$(realpath "$upstream")} VSVM_UPSTREAM_DRIVER=$up_driver \
	VSVM_UPSTREAM_BIN=$up_bin \
	bash "$VSVM_TOP/tools/vm/mkinitramfs.sh" "$kernel" "$out/initrd.gz"

# The guest runs the suites in this order: KUnit first (its module must be
# gone before vsvm can unload), then IGT, the benchmarks, the unload test.  A kernel
# without KUnit does not run that suite; the judge reports it skipped.
order=
guest=
for s in kunit igt upstream bench unload; do
	case ",$suites," in *",$s,"*) order="$order${order:+,}$s" ;; *) continue ;; esac
	[ "$s" = kunit ] && [ -z "$has_kunit" ] && continue
	guest="$guest${guest:+,}$s"
done

# An oops panics, and the panic ends QEMU (-no-reboot): a dead test process
# would otherwise leave the guest waiting for the host's timeout.
cmdline="console=ttyS0 loglevel=5 printk.time=1 no_timer_check oops=panic panic=-1 drm.debug=0x2"
[ "$demo" = 1 ] && cmdline="$cmdline vsvmtest.demo=1"
[ -n "$guest" ] && cmdline="$cmdline vsvmtest.suites=$guest"
# Only these IGT programs (the fast loop); all of them by default.
[ -n "$igt" ] && cmdline="$cmdline vsvmtest.igt=$igt"
# The time each IGT program gets in the guest (480 s unless given).
[ -n "$igt_timeout" ] && cmdline="$cmdline vsvmtest.igt_timeout=$igt_timeout"
# The upstream suite: the driver to load, IGT's device filter, the time
# each program gets.
if [ -n "$upstream" ]; then
	cmdline="$cmdline vsvmtest.up_timeout=$up_timeout"
	[ -n "$up_driver" ] && cmdline="$cmdline vsvmtest.up_driver=$up_driver"
	[ -n "$up_device" ] && cmdline="$cmdline vsvmtest.up_device=$up_device"
fi
# vsvm_fuzz's and vsvm_hotunplug's settings: the kernel hands NAME=value parameters to /init's
# environment, and the tests inherit it.
# VSVM_BENCH=p7 (a name of vsvm-bench --list): the bench suite runs that alone.
for v in VSVM_FUZZ_SEED VSVM_FUZZ_ITERS VSVM_FUZZ_SECONDS VSVM_HOTUNPLUG_CYCLES VSVM_HOTUNPLUG_RACES \
	 VSVM_BENCH; do
	[ -n "${!v:-}" ] && cmdline="$cmdline $v=${!v}"
done

qemu() {
	local accel=$1 secs=$2 console=$3 results=$4 append=$5
	local cpu=max
	[ "$accel" = kvm ] && cpu=host
	rm -f "$console" "$results"
	timeout -k 10 "$secs" qemu-system-x86_64 -nodefaults -display none \
		-no-reboot -accel "$accel" -cpu "$cpu" -smp 2 -m "$mem" \
		-kernel "$image" -initrd "$out/initrd.gz" -append "$append" \
		-serial "file:$console" -serial "file:$results" </dev/null
}

# KVM where it really works (a probe boot reaches its end marker), TCG
# otherwise; the answer is cached per machine and host kernel.
accel=${VSVM_ACCEL:-}
if [ -z "$accel" ]; then
	probe="$VSVM_CACHE/accel-$(uname -r)"
	if [ ! -s "$probe" ]; then
		accel=tcg
		if [ -w /dev/kvm ] &&
		   qemu kvm 30 "$out/probe-console.log" "$out/probe-results.log" \
			"console=ttyS0 no_timer_check panic=-1 vsvmtest.probe=1" >/dev/null 2>&1 &&
		   grep -q '^@@VSVM END' "$out/probe-results.log"; then
			accel=kvm
		fi
		echo "$accel" > "$probe"
		vsvm_log "KVM probe: using $accel (cached in $probe)"
	fi
	accel=$(cat "$probe")
fi

vsvm_log "booting the $kernel kernel ($accel, timeout ${timeout}s): ${order:-demo}"
start=$(date +%s)
timed_out=
qemu "$accel" "$timeout" "$out/console.log" "$out/results.log" "$cmdline" || {
	rc=$?
	[ $rc = 124 ] || [ $rc = 137 ] && timed_out=--timed-out
}
vsvm_log "the $kernel guest ran $(( $(date +%s) - start )) s"

demo_arg=
[ "$demo" = 1 ] && demo_arg=--demo
python3 "$VSVM_TOP/tools/vm/results.py" --kernel "$kernel" \
	--console "$out/console.log" --results "$out/results.log" \
	--counts "$out/counts" --suites "$order" $has_kunit $timed_out $demo_arg
