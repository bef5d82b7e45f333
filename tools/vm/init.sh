#!/bin/busybox sh
# /init of the test VM's initramfs (busybox).  Loads vsvm, runs the suites
# named on the kernel command line (vsvmtest.suites=igt,kunit,unload or
# vsvmtest.demo=1), and writes everything the host needs to the second serial
# port (ttyS1) between marker lines; the kernel console is ttyS0.  Then it
# powers off; the host has its own timeout for a guest that hangs.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
# Enabling any trace event would otherwise hook sched_switch and
# sched_wakeup to record task names, patching the scheduler's code while
# both CPUs run it; under TCG a CPU can then execute the stale int3 of that
# patch and oops (seen in ttwu_do_activate).  The tests read event names,
# not task names, and only vsvm's own events are ever enabled.
echo 0 > /sys/kernel/tracing/options/record-cmd 2>/dev/null
mount -t tmpfs tmpfs /tmp
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/opt/vsvm/bin
export LD_LIBRARY_PATH=/opt/vsvm/lib

R=/dev/ttyS1
out() { echo "$*" > $R; }
section() { out "@@VSVM $*"; }

suites=
igt_only=
demo=0
probe=0
up_driver=
up_device=
up_timeout=120
igt_timeout=480
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vsvmtest.suites=*) suites=$(echo "${arg#vsvmtest.suites=}" | tr , ' ') ;;
	vsvmtest.igt=*) igt_only=",${arg#vsvmtest.igt=},," ;;
	vsvmtest.demo=1) demo=1 ;;
	vsvmtest.probe=1) probe=1 ;;
	vsvmtest.up_driver=*) up_driver=${arg#vsvmtest.up_driver=} ;;
	vsvmtest.up_device=*) up_device=${arg#vsvmtest.up_device=} ;;
	vsvmtest.up_timeout=*) up_timeout=${arg#vsvmtest.up_timeout=} ;;
	vsvmtest.igt_timeout=*) igt_timeout=${arg#vsvmtest.igt_timeout=} ;;
	esac
done

finish() {
	sync
	poweroff -f
	# Without ACPI poweroff only halts; reboot with QEMU's -no-reboot ends.
	reboot -f
}

section BEGIN "$(uname -r)" "cpus=$(grep -c ^processor /proc/cpuinfo)"
if [ "$probe" = 1 ]; then
	section END
	finish
fi

# Loads a module and its dependencies; the result goes into the report.
load() {
	if modprobe "$@" > /tmp/modprobe.log 2>&1; then
		section MODULE "$1" ok
	else
		section MODULE "$1" FAILED
		cat /tmp/modprobe.log > $R
	fi
}

# The DMA checker is on in every test run, whatever the kernel's default.
load vsvm dmachk=1
# vgem: a second DRM driver for interop tests (IGT's DRIVER_ANY skips it).
load vgem

if [ "$demo" = 1 ]; then
	# The report (vsvm-info), then the four steps of vsvm-demo.
	section DEMO
	vsvm-info --selftest > $R 2>&1
	info=$?
	echo > $R
	vsvm-demo > $R 2>&1
	section DEMO-END $info $?
fi

for suite in $suites; do
	case "$suite" in
	igt)
		for t in /opt/vsvm/igt/*; do
			name=${t##*/}
			case "$igt_only" in
			''|*",$name,"*) ;;
			*) continue ;;
			esac
			# Each program is bounded (igt_timeout seconds, 4x the
			# slowest on the debug kernel): one that hangs fails
			# alone, its unfinished subtest with it, and the
			# programs after it still run.
			section TEST igt "$name"
			timeout -s KILL "$igt_timeout" "$t" > $R 2>&1
			section TEST-END igt "$name" $?
			# The display tests' anchor: vsvm_kms once more, against
			# vkms (the program loads it), as vsvm_kms-vkms.
			[ "$name" = vsvm_kms ] || continue
			section TEST igt vsvm_kms-vkms
			if grep -q '/vkms\.ko' "/lib/modules/$(uname -r)/modules.dep" 2>/dev/null; then
				VSVM_KMS_DRIVER=vkms timeout -s KILL "$igt_timeout" "$t" > $R 2>&1
				section TEST-END igt vsvm_kms-vkms $?
			else
				out "the vkms anchor is absent: this kernel has no CONFIG_DRM_VKMS"
				section TEST-END igt vsvm_kms-vkms 77
			fi
		done
		;;
	upstream)
		# Upstream IGT binaries the user pointed run.sh --upstream at,
		# each bounded by up_timeout seconds (then killed: its
		# unfinished subtest fails), against the driver loaded here
		# and IGT's device filter, if given.
		# up_driver: MODULE[,PARAM=VALUE...]
		mod=${up_driver%%,*}
		if [ -n "$mod" ] && [ "$mod" != vsvm ]; then
			# shellcheck disable=SC2046
			load "$mod" $(echo "${up_driver#"$mod"}" | tr , ' ')
		fi
		[ -n "$up_device" ] && export IGT_DEVICE="$up_device"
		# IGT 2.2's DRIVER_ANY leaves vkms out by name: the preload
		# (tools/vm/igt-driver-any.c) brings it back, and the filter
		# picks its card, unless the list or --upstream-device says
		# otherwise.
		if [ "$mod" = vkms ]; then
			export LD_PRELOAD=/opt/upstream/lib/igt-driver-any.so
			export VSVM_IGT_ANY_DRIVER=vkms
			export IGT_DEVICE="${up_device:-sys:/sys/devices/platform/vkms}"
		fi
		while read -r name args; do
			case "$name" in
			*=*) export "${name?}"; continue ;;	# NAME=VALUE
			esac
			section TEST upstream "$name"
			echo "(timeout -s KILL $up_timeout $name $args)" > $R
			# shellcheck disable=SC2086
			PATH=$PATH:/opt/upstream/bin \
			LD_LIBRARY_PATH=/opt/upstream/lib:$LD_LIBRARY_PATH timeout -s KILL "$up_timeout" \
				"/opt/upstream/bin/$name" $args < /dev/null > $R 2>&1
			section TEST-END upstream "$name" $?
		done < /opt/upstream/list
		unset IGT_DEVICE LD_PRELOAD VSVM_IGT_ANY_DRIVER
		;;
	kunit)
		# The KUnit suites run when their module loads; their KTAP
		# results stay readable in debugfs.
		load vsvm_kunit
		for d in /sys/kernel/debug/kunit/vsvm*; do
			[ -e "$d/results" ] || continue
			section KUNIT "${d##*/}"
			cat "$d/results" > $R
			section KUNIT-END "${d##*/}"
		done
		rmmod vsvm_kunit 2>/dev/null
		;;
	bench)
		# Figures, not pass/fail: the test fails only if the tool does.
		# Measured as users run it: the DMA checker off.
		section TEST bench vsvm-bench
		rmmod vsvm && modprobe vsvm dmachk=0
		echo "(vsvm loaded with dmachk=0)" > /tmp/bench.out
		# P3's reference: a soft-RoCE device on a dummy netdev (rxe
		# computes its ICRC with the crypto API's crc32).
		# (iproute2's ip, not busybox's, which knows no dummy links.)
		if { modprobe crc32_generic && modprobe rdma_rxe && modprobe ib_uverbs &&
		     modprobe dummy &&
		     /opt/vsvm/bin/ip link add vsvmd0 type dummy &&
		     /opt/vsvm/bin/ip link set vsvmd0 up &&
		     /opt/vsvm/bin/rdma link add rxe0 type rxe netdev vsvmd0; } \
		   >> /tmp/bench.out 2>&1; then
			echo "(rxe0 on a dummy netdev for P3)" >> /tmp/bench.out
		else
			echo "(no rxe device: P3 has no reference)" >> /tmp/bench.out
		fi
		vsvm-bench ${VSVM_BENCH:+256 "$VSVM_BENCH"} >> /tmp/bench.out 2>&1
		rc=$?
		cat /tmp/bench.out > $R
		if [ $rc = 0 ]; then
			out "Subtest vsvm-bench: SUCCESS"
		else
			out "Subtest vsvm-bench: FAIL"
		fi
		section TEST-END bench vsvm-bench $rc
		;;
	unload)
		# vsvm must unload cleanly and load again.
		section TEST unload module-reload
		if rmmod vsvm && modprobe vsvm && rmmod vsvm; then
			out "Subtest module-reload: SUCCESS"
		else
			out "Subtest module-reload: FAIL"
		fi
		section TEST-END unload module-reload 0
		;;
	esac
done

# Leak check: two scans, as kmemleak reports an object only once it has
# looked unreferenced in a scan after its grace period.
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	section KMEMLEAK
	cat /sys/kernel/debug/kmemleak > $R
	section KMEMLEAK-END
fi
if [ -e /proc/lockdep_stats ]; then
	section LOCKDEP "$(grep -o 'debug_locks: *[0-9]*' /proc/lockdep_stats | tr -d ' ')"
fi
section TAINT "$(cat /proc/sys/kernel/tainted)"
section DMESG
dmesg > $R
section DMESG-END
section END
finish
