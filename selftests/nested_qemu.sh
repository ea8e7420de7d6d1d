#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real QEMU guest on an intnet network: an unprivileged user (alice, 1001) starts
# qemu-system-x86_64 with -netdev bridge and intnet-qemu-helper, which makes the TAP
# (alice's, no group's) and joins it to nqlab, a public network root made ("allow
# nqlab" joins, never creates). A network namespace sits on the same network behind
# a veth that root attached. The tiny guest (vm/nested-initramfs.sh)
# pings the namespace, the FDB learns its MAC behind the helper's TAP, the namespace
# sends it a line over TCP, it powers off, and the TAP and its port go away with QEMU.
#
# Without an intnet-qemu-helper in $BUILD/bin a persistent TAP that alice owns and
# attaches herself stands in, and QEMU opens it with -netdev tap.
#
# The nested guest runs under KVM: the test guest's TCG CPU (-cpu max) has SVM, and
# kvm_amd works on it. Nested TCG is hopeless (measured: no kernel output within 260 s
# on 6.12). Under KVM the whole test takes ~2 minutes on 6.12, so make check runs it on
# that lane only, INTNET_FULL=1 (make check-full) on every lane. The debug kernel has
# no KVM: skipped there.
#
# All other CPUs go offline while KVM is loaded: starting and stopping a KVM vCPU
# flips static keys (preempt_notifier_key patches __schedule), and multi-threaded TCG
# once let the other vCPU run the stale int3 of that patch (measured: "Oops: int3" in
# __schedule, the test guest dead). With one CPU online nothing runs the code being
# patched. (The guests now run single-threaded TCG, vm.sh, for the same fault in other
# keys; the CPUs still go offline here, as a guard.)
. "$(dirname "$0")/lib.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
ALICE=1001
NET=nqlab
MAC=52:54:00:71:00:02
NS_ADDR=10.71.0.1 VM_ADDR=10.71.0.2 PORT=7777
SECONDS=0

plan 11

skip_all() {
	for _ in $(seq 11); do ok "# SKIP $1"; done
	finish
}
# make check runs it on one lane, 6.12 (~2 min there); INTNET_FULL=1 runs it on all.
if [ -z "${INTNET_FULL:-}" ] && [ "${INTNET_LANE:-6.12}" != 6.12 ]; then
	skip_all "a nested QEMU guest takes minutes: make check runs it on lane 6.12, INTNET_FULL=1 on every lane"
fi
# The nested guest's kernel: the running one if it has a modules tree (a Debian lane),
# else a Debian kernel the host has (the debug kernel has no virtio-net). The plain
# vmlinux vm.sh extracted boots through PVH in a third of a bzImage's time.
pick_kernel() {
	local v
	for v in "$(uname -r)" $(ls /lib/modules | sort -rV); do
		[ -d "/lib/modules/$v/kernel" ] || continue
		if [ -s "$build/vm/kernels/vmlinux-$v" ]; then
			echo "$v $build/vm/kernels/vmlinux-$v"
			return
		elif [ -s "/boot/vmlinuz-$v" ]; then
			echo "$v /boot/vmlinuz-$v"
			return
		fi
	done
}

command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
read -r kver kernel <<<"$(pick_kernel)"
[ -n "$kernel" ] || skip_all "no kernel with modules for the nested guest"
grep -q -w -E 'svm|vmx' /proc/cpuinfo || skip_all "the CPU has no SVM or VMX for KVM; nested TCG is too slow"
kvm_mod=kvm_amd
grep -q -w vmx /proc/cpuinfo && kvm_mod=kvm_intel
modinfo "$kvm_mod" >/dev/null 2>&1 || skip_all "this kernel has no KVM; nested TCG is too slow"
echo "# nested guest kernel: $kernel"

load_module
tmp=$(mktemp -d)
chmod 755 "$tmp"
qemu_pid=
offlined=()
kvm_loaded=
stop_guest() {
	local c
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null
	wait 2>/dev/null
	# Unloading KVM runs its deferred static key updates now, with one CPU online.
	[ -z "$kvm_loaded" ] || modprobe -r "$kvm_mod"
	for c in "${offlined[@]}"; do
		echo 1 >"/sys/devices/system/cpu/$c/online"
	done
	ip netns del nq-ns 2>/dev/null
	ip link del nq-v0 2>/dev/null
	ip link del nq-tap 2>/dev/null
	intnetctl net del $NET 2>/dev/null
	rm -rf "$tmp"
}
at_exit stop_guest

# The helper as a package installs it; an installed one is used as it is. The ACL
# gets "allow nqlab" (join root's nqlab) for the test and is put back afterwards.
helper=
if [ -x "$QEMU_HELPER" ] || [ -x "$build/bin/intnet-qemu-helper" ]; then
	helper=$QEMU_HELPER
	qemu_helper_setup "$tmp" "allow $NET" append
fi

# Building it here takes 13-35 s under TCG: one built on the host beforehand (by vm.sh,
# if it does) is used when it is newer than its builder.
t0=$SECONDS
initrd=$build/vm/kernels/nested-initramfs-$kver.cpio
if [ ! -s "$initrd" ] || [ "$repo/selftests/vm/nested-initramfs.sh" -nt "$initrd" ]; then
	initrd=$tmp/initrd.cpio
	"$repo/selftests/vm/nested-initramfs.sh" "$kver" "$initrd"
fi
t1=$SECONDS

for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
	[ "$(cat "$c")" = 1 ] || continue
	echo 0 >"$c" && offlined+=("$(basename "$(dirname "$c")")")
done
t2=$SECONDS
if ! grep -q "^$kvm_mod " /proc/modules; then
	modprobe "$kvm_mod" && kvm_loaded=1
fi
t3=$SECONDS
# What udev does on a real system (static_node=kvm, mode 0666).
chmod 0666 /dev/kvm 2>/dev/null

# The namespace on the network.
ip netns add nq-ns
ip -n nq-ns link set lo up
ip link add nq-v0 type veth peer name eth0 netns nq-ns
ip -n nq-ns addr add $NS_ADDR/24 dev eth0
ip -n nq-ns link set eth0 up
ip link set nq-v0 up
# Root's shared network, made once as the helper's man page says; root puts the
# namespace on it. alice has no nqlab of her own, so her "nqlab" is root's.
intnetctl net add $NET public >/dev/null
intnetctl port add nq-v0 net $NET >/dev/null

if [ -n "$helper" ]; then
	echo "# QEMU's network: -netdev bridge with $helper"
	netdev=bridge,id=n0,br=$NET,helper=$helper
else
	echo "# no intnet-qemu-helper built: a persistent TAP stands in for it"
	ip tuntap add mode tap name nq-tap user $ALICE
	ip link set nq-tap up
	setpriv --reuid=$ALICE --regid=$ALICE --clear-groups intnetctl port add nq-tap net $NET >/dev/null
	netdev=tap,id=n0,ifname=nq-tap,script=no,downscript=no
fi

echo "# set up in ${SECONDS}s (initramfs $((t1 - t0))s, CPUs offline $((t2 - t1))s, $kvm_mod $((t3 - t2))s)"

# QEMU is taken for hung when it outlives what run-tests.sh gives the test, less 40 s
# to check and clean up (unload KVM, CPUs back online) before the test is killed.
limit=$((${TEST_TIMEOUT:-300} - SECONDS - 40))

# The guest, as alice. romfile= drops the iPXE ROM, which only slows the boot down.
console=$tmp/console
start=$(date +%s)
setpriv --reuid=$ALICE --regid=$ALICE --clear-groups \
	timeout -k 5 $limit qemu-system-x86_64 -accel kvm -cpu host -m 160M -smp 1 \
	-nographic -no-reboot -nic none -vga none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 acpi=noirq panic=-1 quiet nq_addr=$VM_ADDR/24 nq_peer=$NS_ADDR nq_port=$PORT" \
	-netdev "$netdev" -device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=" \
	</dev/null >"$console" 2>&1 &
qemu_pid=$!

# wait_console RE: until the console shows RE, QEMU ends, or the time is up.
wait_console() {
	while ! grep -q "$1" "$console"; do
		kill -0 "$qemu_pid" 2>/dev/null || return 1
		[ $(($(date +%s) - start)) -lt $limit ] || return 1
		sleep 0.2
	done
}
nested() { sed -n "s/^NESTED: $1 //p" "$console" | tr -d '\r'; }

if wait_console '^NESTED: listening'; then
	echo "# the nested guest pinged after $(($(date +%s) - start))s"
else
	echo "# the nested guest did not get to listen ($(($(date +%s) - start))s)"
fi
expect_eq "the nested guest has its MAC on eth0" "$MAC" "$(nested eth0)"
expect_eq "the nested guest's 3 pings to the namespace got 3 replies" "3/3" "$(nested ping)"

# Where the guest's MAC was learned: behind QEMU's TAP, which alice owns.
tap=$(intnetctl fdb show net $NET | awk -v m=$MAC -v n=$NET '$1 == m && $5 == n { print $3 }')
tapdev=${tap:-none}
check "the FDB learned the guest's MAC behind a TAP ($tapdev)" test -e "/sys/class/net/$tapdev/tun_flags"
expect_eq "the TAP belongs to alice" "$ALICE" "$(cat "/sys/class/net/$tapdev/owner" 2>/dev/null)"
if [ -n "$helper" ]; then
	expect_eq "the TAP belongs to no group" "-1" "$(cat "/sys/class/net/$tapdev/group" 2>/dev/null)"
else
	ok "# SKIP the stand-in TAP is made by ip tuntap, not by the helper"
fi
expect_eq "the TAP is a port of $NET" "$NET" \
	"$(intnetctl port show "$tapdev" 2>/dev/null | awk '$2 == "net" { print $3 }')"
ns_mac=$(ip -n nq-ns -br link show eth0 | awk '{ print $3 }')
check "the FDB learned the namespace's MAC behind its veth" \
	sh -c "intnetctl fdb show net $NET | grep -q '^$ns_mac  dev nq-v0 '"

# The namespace talks to the guest: one line over TCP, then the guest powers off.
sent=0
for _ in $(seq 20); do
	kill -0 "$qemu_pid" 2>/dev/null || break
	if ip netns exec nq-ns timeout 10 bash -c "echo hello-from-ns >/dev/tcp/$VM_ADDR/$PORT" 2>/dev/null; then
		sent=1
		break
	fi
	sleep 0.5
done
expect_eq "the namespace connects to the guest over TCP" 1 "$sent"
wait "$qemu_pid"
rc=$?
qemu_pid=
secs=$(($(date +%s) - start))
echo "# QEMU ran ${secs}s (exit $rc)"
expect_eq "the nested guest got the namespace's line and QEMU exited 0" "hello-from-ns 0" "$(nested got) $rc"

if [ -n "$helper" ]; then
	check "the helper's TAP ($tapdev) is gone with QEMU" \
		test "$tapdev" != none -a ! -e "/sys/class/net/$tapdev"
	expect_eq "its port left $NET" "nq-v0" "$(intnetctl port show net $NET | awk '{ print $1 }' | xargs)"
else
	expect_eq "the stand-in TAP lost its carrier with QEMU" 0 "$(cat /sys/class/net/nq-tap/carrier 2>/dev/null)"
	ok "# SKIP the stand-in TAP is persistent: no intnet-qemu-helper to test"
fi
echo "# the test took ${SECONDS}s"
if ! grep -q '^NESTED: got' "$console"; then
	echo "# nested console:"
	tail -n 30 "$console" | sed 's/^/#   /'
fi
finish
