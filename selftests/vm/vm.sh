#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots a QEMU guest (TCG, no network device) on one of the test lanes with the host's
# root shared read-only over 9p, and runs a command in it with intnet loaded.
#
#   vm.sh kernel LANE          print "KVER VMLINUX KDIR" for a lane (6.1, 6.12, debug)
#   vm.sh run LANE CMD         run CMD (a shell command line) in a guest; exit with its status
#   vm.sh shell LANE           an interactive guest
#   vm.sh check LANE [NAME]    run the selftests in a guest (used by check.sh); NAME
#                              names its results folder (default LANE), and with
#                              INTNET_QUEUE set the guest takes its tests from that queue
#   vm.sh bench LANE           run bench/bench.sh in a one-CPU icount guest (make bench)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$repo/build}
# A guest that runs longer than this is taken for hung and killed (seconds). The debug
# lane's kernel (KASAN, lockdep, kmemleak) runs the same tests 2-3 times slower.
TIMEOUT=${TIMEOUT:-900}
DEBUG_TIMEOUT=${DEBUG_TIMEOUT:-3600}

die() { echo "vm: $*" >&2; exit 1; }

# Decompress the kernel inside a bzImage: PVH boots the plain ELF in ~3 s where the
# compressed image takes ~10 s under TCG.
extract_vmlinux() {
	local img=$1 out=$2 off fmt
	for fmt in zstd xz gzip; do
		local pat
		case $fmt in
		zstd) pat='\x28\xb5\x2f\xfd' ;;
		xz) pat='\xfd7zXZ\x00' ;;
		gzip) pat='\x1f\x8b\x08' ;;
		esac
		for off in $(LC_ALL=C grep -obUaP "$pat" "$img" | cut -d: -f1 | head -n 4); do
			tail -c +$((off + 1)) "$img" | $fmt -dc >"$out.tmp" 2>/dev/null || true
			if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	die "no ELF kernel found inside $img"
}

# The release a module built in KDIR is for.
kernel_release() {
	"$repo/scripts/build-module.sh" --release "$1"
}

# Sets KVER, VMLINUX, KDIR for a lane.
lane_kernel() {
	local lane=$1 img
	case $lane in
	6.1 | 6.12)
		img=$(ls /boot/vmlinuz-"$lane".[0-9]* 2>/dev/null | sort -V | tail -n 1)
		[ -n "$img" ] || die "lane $lane: no /boot/vmlinuz-$lane.* (run: make deps)"
		KVER=${img#/boot/vmlinuz-}
		KDIR=/usr/src/linux-headers-$KVER
		[ -d "$KDIR" ] || die "lane $lane: no headers in $KDIR (run: make deps)"
		VMLINUX=$BUILD/vm/kernels/vmlinux-$KVER
		if [ ! -s "$VMLINUX" ] || [ "$img" -nt "$VMLINUX" ]; then
			mkdir -p "$(dirname "$VMLINUX")"
			extract_vmlinux "$img" "$VMLINUX"
		fi
		;;
	debug)
		KDIR=$("$here/debug-kernel.sh")
		KVER=$(kernel_release "$KDIR")
		# PVH entry does not boot this KASAN kernel; its bzImage does (+2 s).
		VMLINUX=$KDIR/arch/x86/boot/bzImage
		;;
	*) die "unknown lane '$lane' (lanes: 6.1 6.12 debug)" ;;
	esac
}

build_module() {
	BUILD=$BUILD "$repo/scripts/build-module.sh" "$1"
}

# A busybox initramfs that mounts the host's root (9p, read-only) under a tmpfs
# overlay and hands over to guest.sh. Debian kernels need their 9p/overlay modules.
build_initramfs() {
	local kver=$1 out=$2 stage mods
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,dev,proc,sys,mnt,lib/modules}
	cp /bin/busybox "$stage/bin/busybox"
	: >"$stage/modules.list"
	if [ -d "/lib/modules/$kver/kernel" ]; then
		mods=$(for m in virtio_pci 9pnet_virtio 9p overlay; do
			modprobe -S "$kver" --show-depends "$m"
		done | awk '$1 == "insmod" { print $2 }')
		local m base
		for m in $mods; do
			base=$(basename "$m")
			case $base in
			*.xz) xz -dc "$m" >"$stage/lib/modules/${base%.xz}"; base=${base%.xz} ;;
			*.zst) zstd -qdc "$m" >"$stage/lib/modules/${base%.zst}"; base=${base%.zst} ;;
			*) cp "$m" "$stage/lib/modules/$base" ;;
			esac
			grep -qxF "$base" "$stage/modules.list" || echo "$base" >>"$stage/modules.list"
		done
	fi
	cp "$here/initramfs-init" "$stage/init"
	chmod +x "$stage/init"
	mkdir -p "$(dirname "$out")"
	(cd "$stage" && find . | cpio -o -H newc --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$stage"
}

# boot LANE MODE CMD INTERACTIVE [bench]: MODE is run, shell or check. Results land in
# $OUT. With "bench", one CPU whose clock counts instructions (-icount), see bench/.
boot() {
	local lane=$1 mode=$2 cmd=$3 interactive=$4 bench=${5:-} initrd ko append mem rc
	lane_kernel "$lane"
	# Guests of the same lane start side by side (check.sh): one builds, the others
	# wait for it and find everything up to date.
	mkdir -p "$BUILD/vm/kernels"
	exec 9>"$BUILD/vm/kernels/.build-$lane.lock"
	flock 9
	ko=$(build_module "$KDIR")
	initrd=$BUILD/vm/kernels/initramfs-$KVER.cpio
	if [ ! -s "$initrd" ] || [ "$here/initramfs-init" -nt "$initrd" ] || [ "$0" -nt "$initrd" ]; then
		build_initramfs "$KVER" "$initrd"
	fi
	flock -u 9
	exec 9>&-

	OUT=$BUILD/vm/${bench:+bench-}${GUEST_NAME:-$lane}
	case $OUT in *[!A-Za-z0-9_./+-]*) die "build path '$OUT' has characters the guest's command line can't carry" ;; esac
	rm -rf "$OUT"
	mkdir -p "$OUT"
	{
		printf 'LANE=%q\nMODE=%q\nREPO=%q\nBUILD=%q\nKO=%q\nKDIR=%q\n' \
			"$lane" "$mode" "$repo" "$BUILD" "$ko" "$KDIR"
		printf 'CMD=%q\n' "$cmd"
		# The tests' knobs (INTNET_TESTS, INTNET_FUZZ_*, TEST_TIMEOUT...) go along.
		for v in $(compgen -v INTNET_) TEST_TIMEOUT; do
			[ -z "${!v+set}" ] || printf 'export %s=%q\n' "$v" "${!v}"
		done
	} >"$OUT/env"

	# A log buffer that holds the whole run: the default 128 KB kept only its last
	# minutes (thousands of "entered promiscuous mode"), and check.sh judges dmesg.
	append="console=ttyS0 acpi=noirq panic=-1 loglevel=4 log_buf_len=32M intnet_out=$OUT"
	mem=1G
	if [ "$lane" = debug ]; then
		append="$append panic_on_warn=1 kasan.fault=panic"
		mem=2G
	fi

	# Guests that share a lane's tests claim them in a writable folder of the host's
	# (check.sh, run-tests.sh).
	local queue=()
	if [ -n "${INTNET_QUEUE:-}" ]; then
		case $INTNET_QUEUE in *[!A-Za-z0-9_./+-]*) die "queue path '$INTNET_QUEUE' has characters the guest's command line can't carry" ;; esac
		append="$append intnet_queue=$INTNET_QUEUE"
		queue=(-virtfs "local,path=$INTNET_QUEUE,mount_tag=queue,security_model=none,multidevs=remap")
	fi

	# Two CPUs, run by one host thread in turn (single-threaded TCG). Debian 12's QEMU
	# 7.2 with thread=multi lets one vCPU run a stale int3 of the other's live code
	# patch (a static key flipped while packets arrive): "Oops: int3" in
	# __netif_receive_skb_core, the guest dead. Measured: a loopback UDP flood on both
	# CPUs while a loop turns SO_TIMESTAMP on and off (the netstamp key) oopses within
	# a second with thread=multi; with thread=single 11,073 flips in 120 s and none.
	# CI met it once in traffic.sh (a ping turns the key on). It is faster too: two
	# guests side by side on two cores, each one host thread: the same six tests on
	# 6.1 and 6.12 took 270 s instead of 408 s.
	# Lane 6.12 runs one CPU instead, on its own thread (where no other CPU can run a
	# stale patch): nested_qemu.sh's inner KVM guest (on that lane in make check) did
	# not get past SeaBIOS in 255 s under single-threaded TCG twice, each time with
	# another test guest running beside it (the full check of 6dc594b; nat, nested_qemu
	# and stress on 6.1 and 6.12), though it booted in 13-20 s alone (four runs, one
	# beside a busy loop). With thread=multi, which every full check before ran it
	# with (the other CPU offline while KVM is loaded), it booted beside another guest
	# each time. The SMP paths stay covered on 6.1 and the debug lane.
	# shellcheck disable=SC2054 # QEMU's options have commas
	local cpus=(-accel tcg,thread=single -cpu max -smp 2)
	# shellcheck disable=SC2054
	[ "$lane" != 6.12 ] || cpus=(-accel tcg,thread=multi -cpu max -smp 1)
	if [ -n "$bench" ]; then
		# Single-threaded TCG, guest time = instructions executed, no idle time.
		# shellcheck disable=SC2054
		cpus=(-accel tcg -cpu max -smp 1 -icount shift=0,sleep=off)
	fi
	# Two virtio-net NICs on one QEMU hub, a wire between them: a NIC that filters
	# unicast in the "hardware" (QEMU's MAC table) for uplink_nic.sh.
	# shellcheck disable=SC2054
	local nics=(-netdev hubport,id=wire0,hubid=0 -netdev hubport,id=wire1,hubid=0
		-device virtio-net-pci,netdev=wire0,mac=52:54:00:1a:00:01,romfile=
		-device virtio-net-pci,netdev=wire1,mac=52:54:00:1a:00:02,romfile=)
	# shellcheck disable=SC2054
	local qemu=(qemu-system-x86_64 "${cpus[@]}" -m "$mem"
		-nographic -no-reboot -nic none "${nics[@]}"
		-kernel "$VMLINUX" -initrd "$initrd" -append "$append"
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=$OUT,mount_tag=out,security_model=none,multidevs=remap"
		"${queue[@]}")
	set +e
	if [ "$interactive" = 1 ]; then
		"${qemu[@]}"
		rc=$?
	else
		# SeaBIOS clears the screen and greets: keep that out of the log.
		timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null 2>&1 |
			sed -u -e 's/\x1bc//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g; /^SeaBIOS/d; s/^Booting from ROM\.\.//' |
			tee "$OUT/console.log"
		rc=${PIPESTATUS[0]}
	fi
	set -e
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "vm: lane $lane: guest killed after ${TIMEOUT}s" >&2
		echo timeout >"$OUT/hung"
	fi
}

guest_status() {
	if [ -s "$OUT/status" ]; then
		cat "$OUT/status"
	else
		echo "vm: lane $1: the guest ended without reporting a status (see $OUT/console.log)" >&2
		echo 125
	fi
}

case ${1:-} in
kernel)
	lane_kernel "$2"
	echo "$KVER $VMLINUX $KDIR"
	;;
run)
	boot "$2" run "$3" 0
	exit "$(guest_status "$2")"
	;;
shell) boot "$2" shell "" 1 ;;
check)
	[ "$2" != debug ] || TIMEOUT=$DEBUG_TIMEOUT
	GUEST_NAME=${3:-}
	boot "$2" check "" 0
	exit "$(guest_status "$2")"
	;;
bench)
	# BENCH_* variables (BENCH_CASES, BENCH_ROUNDS, BENCH_SCALE, BENCH_COMMAND) pass
	# through to the guest; the report goes to $BUILD/bench.
	[ -x "$BUILD/bench/tapgso" ] || die "no $BUILD/bench/tapgso (run: make bench)"
	benchcmd=
	for v in $(compgen -v BENCH_); do
		benchcmd+=$(printf '%s=%q ' "$v" "${!v}")
	done
	TIMEOUT=${BENCH_TIMEOUT:-5400}
	start=$(date +%s)
	boot "$2" run "$benchcmd bench/bench.sh" 0 bench
	status=$(guest_status "$2")
	# shellcheck source=../lib.sh
	. "$repo/selftests/lib.sh" # kernel_report_re, as check.sh judges the lanes
	if [ -s "$OUT/dmesg.txt" ] && grep -E -q "$kernel_report_re" "$OUT/dmesg.txt"; then
		echo "vm: bench: the guest's kernel log shows a BUG/WARNING/Oops (see $OUT/dmesg.txt)" >&2
		exit 1
	fi
	[ "$status" = 0 ] || die "bench: the benchmark failed in the guest (exit $status; see $OUT/console.log)"
	python3 "$repo/bench/report.py" "$OUT/raw.tsv" "$BUILD/bench" "$(($(date +%s) - start))"
	;;
*)
	sed -n '3,13s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
