#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench, the guest side: measures intnet against a Linux bridge configured the same
# way (STP off, no VLAN filtering, no netfilter) and, where it makes sense, against a
# direct connection (tc mirred redirect), all in one guest booted with
# `-icount shift=0,sleep=off`: guest time counts instructions, so every rate below is
# instructions per packet, the same from run to run and whatever the host is doing.
#
# The packet path is synchronous: pktgen (xmit_mode netif_receive) injects frames into
# the receive path of a dummy ingress port, the switch forwards them to a dummy egress
# port whose transmit frees them, and pktgen's own rate is the cost of one forwarding
# decision and transmit. Raw figures go to $intnet_out/raw.tsv, one measurement a line
# (case, variant, switch, round, value, unit); bench/report.py turns them into the
# tables. Any setup failure, lost frame or kernel warning ends the run with an error.
set -euo pipefail

out=${intnet_out:?bench.sh runs in the test guest (make bench)}
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../build}
# kernel_report_re: what the tests count as a kernel report.
. "$here/../selftests/lib.sh"
ROUNDS=${BENCH_ROUNDS:-5}
# Packet counts scale with BENCH_SCALE (percent) for quick trial runs.
SCALE=${BENCH_SCALE:-100}
raw=$out/raw.tsv
pg=/proc/net/pktgen

DST=02:dd:00:00:00:01 # the static FDB entry behind the egress port
SRC=02:55:00:00:00:01 # the sender's address
LEARN_BASE=02:10:00:00:00:00

die() {
	echo "bench: FAILED: $*" >&2
	exit 1
}
trap 'die "line $LINENO: \"$BASH_COMMAND\" failed (exit $?)"' ERR
say() { echo "bench: $*"; }
n_of() { echo $(($1 * SCALE / 100 > 0 ? $1 * SCALE / 100 : 1)); }
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$raw"; }

# Any kernel warning makes the figures worthless: stop at the first.
check_dmesg() {
	local found
	found=$(dmesg | grep -E -B2 -A20 "$kernel_report_re|RCU stall|stack-protector" | head -n 60 || true)
	if [ -n "$found" ]; then
		echo "$found" >&2
		die "the kernel log shows a BUG/WARNING/Oops (after: $1)"
	fi
}

stat_of() { cat "/sys/class/net/$1/statistics/$2"; }

# --- devices -------------------------------------------------------------------------

dummy() { # NAME [MAC]
	ip link add "$1" type dummy || die "cannot create dummy $1"
	[ -z "${2:-}" ] || ip link set dev "$1" address "$2"
	ip link set dev "$1" up
}

# Many dummies at once: ip -batch is one process for all of them.
dummies() { # PREFIX FROM TO
	local i
	for ((i = $2; i <= $3; i++)); do
		echo "link add $1$i type dummy"
		echo "link set dev $1$i up"
	done | ip -batch - || die "cannot create dummies $1$2..$1$3"
}

del_links() {
	local d
	for d in "$@"; do
		ip link del "$d" 2>/dev/null || true
	done
}

# --- the three ways to connect ports: intnet, bridge, direct -------------------------

# sw_create SWITCH [intnet net add options]
sw_create() {
	local sw=$1
	shift
	case $sw in
	intnet) intnetctl net add lab ageing 86400 "$@" || die "intnetctl net add lab $*" ;;
	bridge)
		ip link add br0 type bridge stp_state 0 vlan_filtering 0 forward_delay 0 \
			ageing_time 8640000 mcast_snooping 0 || die "cannot create br0"
		ip link set dev br0 up
		;;
	direct) ;;
	esac
}

sw_port() { # SWITCH DEV
	case $1 in
	intnet) intnetctl port add "$2" net lab || die "intnetctl port add $2 net lab" ;;
	bridge) ip link set dev "$2" master br0 || die "cannot put $2 in br0" ;;
	esac
}

# Many ports at once (the bridge through one ip -batch; intnetctl has no batch mode).
sw_ports() { # SWITCH DEV...
	local sw=$1 d
	shift
	case $sw in
	intnet) for d in "$@"; do sw_port intnet "$d"; done ;;
	bridge)
		for d in "$@"; do echo "link set dev $d master br0"; done | ip -batch - ||
			die "cannot put ports in br0"
		;;
	esac
}

sw_static() { # SWITCH MAC DEV
	case $1 in
	intnet) intnetctl fdb add "$2" dev "$3" || die "intnetctl fdb add $2 dev $3" ;;
	bridge) bridge fdb add "$2" dev "$3" master static || die "bridge fdb add $2 dev $3" ;;
	esac
}

# direct: everything that enters IN leaves through OUT.
redirect() { # IN OUT
	tc qdisc add dev "$1" clsact || die "tc qdisc add dev $1 clsact"
	tc filter add dev "$1" ingress matchall action mirred egress redirect dev "$2" ||
		die "tc mirred $1 -> $2"
}

# sw_connect SWITCH IN OUT: IN's frames for $DST leave through OUT (a static FDB entry).
sw_connect() {
	sw_create "$1"
	if [ "$1" = direct ]; then
		redirect "$2" "$3"
	else
		sw_ports "$1" "$2" "$3"
		sw_static "$1" $DST "$3"
	fi
}

sw_destroy() {
	case $1 in
	intnet) intnetctl net del lab || die "intnetctl net del lab" ;;
	bridge) ip link del br0 || die "ip link del br0" ;;
	esac
}

fdb_count() {
	case $1 in
	intnet) intnetctl -j net show lab | sed -n 's/.*"fdb_learned":\([0-9]*\).*/\1/p' ;;
	bridge) bridge fdb show br br0 | wc -l ;;
	esac
}

# --- pktgen ------------------------------------------------------------------------

# pktgen answers a bad setting in its Result line, not with a failed write.
pg_write() { # FILE COMMAND
	echo "$2" >"$1" 2>/dev/null || die "pktgen: '$2' > $1 refused: $(grep -a -m1 Result "$1" 2>/dev/null)"
	case $1 in
	*/pgctrl | */kpktgend_*) ;;
	*) grep -a -q '^Result: OK' "$1" || die "pktgen: '$2' > $1: $(grep -a -m1 Result "$1")" ;;
	esac
}

# DEV alone on the one pktgen thread, with pktgen's defaults.
pg_attach() {
	pg_write $pg/pgctrl reset
	pg_write $pg/kpktgend_0 rem_device_all
	pg_write $pg/kpktgend_0 "add_device $1"
}

# pg_setup DEV MODE SIZE COUNT DST [SRC [SRC_COUNT [SHARED]]]: one device on the one
# pktgen thread. pktgen hands the stack a shared skb by default (it keeps a reference), so
# the switch must clone it before changing it; SHARED=fresh gives it an skb of its own,
# as a NIC, TAP or veth does (pktgen's "flag !SHARED", which 6.1's pktgen lacks).
pg_setup() {
	local dev=$1 mode=$2 size=$3 count=$4 dst=$5 src=${6:-$SRC} srcn=${7:-0} shared=${8:-}
	pg_attach "$dev"
	pg_write "$pg/$dev" "xmit_mode $mode"
	pg_write "$pg/$dev" "pkt_size $size"
	pg_write "$pg/$dev" "count $count"
	pg_write "$pg/$dev" "clone_skb 0"
	pg_write "$pg/$dev" "burst 1"
	pg_write "$pg/$dev" "delay 0"
	pg_write "$pg/$dev" "dst_mac $dst"
	pg_write "$pg/$dev" "src_mac $src"
	pg_write "$pg/$dev" "src_mac_count $srcn"
	pg_write "$pg/$dev" "dst 10.99.0.2"
	pg_write "$pg/$dev" "src_min 10.99.0.1"
	pg_write "$pg/$dev" "src_max 10.99.0.1"
	[ "$shared" != fresh ] || pg_write "$pg/$dev" "flag !SHARED"
}

# Whether this pktgen can hand out unshared skbs (6.1's cannot).
pg_has_unshared() {
	dummy pgt0
	pg_attach pgt0
	echo "flag !SHARED" >"$pg/pgt0"
	local ok=1
	grep -a -q '^Result: OK' "$pg/pgt0" || ok=0
	pg_write $pg/kpktgend_0 rem_device_all
	del_links pgt0
	[ $ok = 1 ]
}

# pg_run DEV COUNT EGRESS...: sends, checks that each egress device transmitted every
# frame, and prints pktgen's packets per second.
pg_run() {
	local dev=$1 count=$2 e res pps errs
	shift 2
	local -A before=()
	for e in "$@"; do before[$e]=$(stat_of "$e" tx_packets); done
	pg_write $pg/pgctrl start
	res=$(cat "$pg/$dev")
	pps=$(echo "$res" | sed -n '/^Result:/{n;s/^ *\([0-9]*\)pps .*/\1/p}')
	errs=$(echo "$res" | sed -n '/^Result:/{n;s/.*errors: \([0-9]*\).*/\1/p}')
	echo "$res" | grep -q "Result: OK: .* $count (" ||
		die "pktgen on $dev did not send $count frames: $(echo "$res" | grep Result)"
	[ -n "$pps" ] || die "pktgen on $dev: no rate in its result"
	[ "${errs:-0}" = 0 ] || die "pktgen on $dev: $errs frames refused by the receive path"
	for e in "$@"; do
		local sent=$(($(stat_of "$e" tx_packets) - ${before[$e]}))
		[ "$sent" = "$count" ] || die "$e transmitted $sent of $count frames"
	done
	echo "$pps"
}

# rounds CASE VARIANT SWITCH LABEL DEV COUNT EGRESS...: ROUNDS measured runs after one
# warm-up run, each recorded.
rounds() {
	local case=$1 variant=$2 sw=$3 label=$4 dev=$5 count=$6 r pps
	shift 6
	pg_write "$pg/$dev" "count $((count / 10 > 0 ? count / 10 : 1))"
	pg_run "$dev" $((count / 10 > 0 ? count / 10 : 1)) "$@" >/dev/null
	pg_write "$pg/$dev" "count $count"
	for ((r = 1; r <= ROUNDS; r++)); do
		pps=$(pg_run "$dev" "$count" "$@")
		say "$label: $sw round $r/$ROUNDS: $pps pps"
		record "$case" "$variant" "$sw" "$r" "$pps" pps
	done
}

# --- memory ---------------------------------------------------------------------------

# Bytes of slab objects in use (all caches) and kernel memory not in page cache or user
# pages, after dropping what can be dropped. Big tables come from kvmalloc and per-CPU
# counters from the per-CPU allocator, not slab: the second figure sees those too.
mem_snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 0.2
	awk 'NR > 2 { s += $2 * $4 } END { printf "%d ", s }' /proc/slabinfo
	awk '{ v[$1] = $2 * 1024 } END {
		printf "%d\n", v["MemTotal:"] - v["MemFree:"] - v["Buffers:"] - v["Cached:"] - v["AnonPages:"]
	}' /proc/meminfo
}

slab_by_cache() {
	awk 'NR > 2 { print $1, $15 * $6 * 4096 }' /proc/slabinfo
}

# mem_record CASE SWITCH N BEFORE_SLABS BEFORE AFTER_SLABS AFTER: bytes per item.
mem_record() {
	local case=$1 sw=$2 n=$3
	local -a b a
	read -r -a b <<<"$4"
	read -r -a a <<<"$5"
	local slab=$(((a[0] - b[0]) / n)) all=$(((a[1] - b[1]) / n))
	record "$case" slab "$sw" 1 "$slab" bytes
	record "$case" kernel "$sw" 1 "$all" bytes
	say "f. $case: $sw: $slab bytes of slab, $all bytes of kernel memory each ($n)"
}

# The caches that grew the most between two slab_by_cache listings (for the log).
slab_growth() {
	awk 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d > 65536) printf "%s +%d KB\n", $1, d / 1024 }' "$1" "$2" |
		sort -t+ -k2 -n -r | head -n 5 | sed 's/^/bench:     /'
}

# Under -icount, each wait for the 9p root (every exec opens its binary and libraries on
# the host) lets the guest clock jump to its next timer: hundreds of milliseconds a
# command. The control-plane tools therefore run from a tmpfs copy, with their libraries.
local_bin=/tmp/bench-bin
localize() { # COMMAND...
	local c p lib
	mkdir -p "$local_bin/lib"
	for c in "$@"; do
		p=$(type -P "$c") || die "no $c"
		cp "$p" "$local_bin/$c"
		for lib in $(ldd "$p" | grep -o '/[^ ]*'); do
			cp -n "$lib" "$local_bin/lib/" 2>/dev/null || true
		done
		eval "$c() { $local_bin/lib/ld-linux-x86-64.so.2 --library-path $local_bin/lib $local_bin/$c \"\$@\"; }"
	done
}

# --- the cases --------------------------------------------------------------------------

# a. Unicast through dummies: 64 B and 1500 B (full MTU) frames.
case_unicast_dummy() {
	local sw size variant count
	for sw in direct intnet bridge; do
		dummy in0 02:00:00:00:01:00
		dummy out0 02:00:00:00:02:00
		sw_connect $sw in0 out0
		for variant in 64B 1518B ${UNSHARED:+64B-fresh}; do
			size=60 && count=$(n_of 100000)
			[ $variant = 1518B ] && size=1514 && count=$(n_of 50000)
			pg_setup in0 netif_receive $size "$count" $DST "$SRC" 0 "${variant#64B-}"
			rounds unicast "$variant" $sw "a. unicast $variant (dummy)" in0 "$count" out0
		done
		[ $sw = intnet ] && unicast_protected
		sw_destroy $sw
		del_links in0 out0
		check_dmesg "a. unicast $sw"
	done
}

# a. Issue 17's protections on intnet's ports in0 -> out0, configured but not triggered:
# 64B-maclock, in0 flood-limited and MAC-locked to the sender; 64B-protected, and out0
# IP-locked, so that in0's frames are checked against the network's locked addresses;
# 64B-iplock, and in0 IP-locked to pktgen's source: the cost of an active IP lock.
unicast_protected() {
	local count
	count=$(n_of 100000)
	intnetctl port set in0 flood-limit 1000 lock-mac "$SRC" ||
		die "intnetctl port set in0 flood-limit lock-mac"
	pg_setup in0 netif_receive 60 "$count" $DST "$SRC"
	rounds unicast 64B-maclock intnet "a. unicast 64B, flood limit and MAC lock (dummy)" \
		in0 "$count" out0
	intnetctl port set out0 lock-ip 10.99.0.2 lock-ip fd99::2 ||
		die "intnetctl port set out0 lock-ip"
	rounds unicast 64B-protected intnet "a. unicast 64B, and out0 IP-locked (dummy)" \
		in0 "$count" out0
	intnetctl port set in0 lock-ip 10.99.0.1 || die "intnetctl port set in0 lock-ip"
	rounds unicast 64B-iplock intnet "a. unicast 64B, ingress IP-locked (dummy)" \
		in0 "$count" out0
	[ "$(intnetctl -j -s port show in0 |
		sed -n 's/.*"rx_drop_ip_spoof":\([0-9]*\).*/\1/p')" = 0 ] ||
		die "the IP-locked port dropped pktgen's frames"
}

# a. The same through veth pairs, as containers use it: pktgen sends on va, whose peer
# vb is the ingress port; the egress port vc hands the frames to its peer vd.
case_unicast_veth() {
	local sw size variant count
	for sw in direct intnet bridge; do
		ip link add va type veth peer name vb || die "cannot create veth va/vb"
		ip link add vc type veth peer name vd || die "cannot create veth vc/vd"
		ip link set dev va address 02:00:00:00:0a:00
		for d in va vb vc vd; do ip link set dev $d up; done
		sw_connect $sw vb vc
		for size in 60 1514; do
			variant=veth-64B && count=$(n_of 100000)
			[ $size = 1514 ] && variant=veth-1518B && count=$(n_of 50000)
			pg_setup va start_xmit $size "$count" $DST
			rounds unicast "$variant" $sw "a. unicast $variant" va "$count" vc
		done
		sw_destroy $sw
		del_links va vc
		check_dmesg "a. unicast veth $sw"
	done
}

# b. TAP to TAP with 64 KB GSO frames, as a VM's virtio-net sends them.
case_tap_gso() {
	local sw r res gbps frames
	frames=$(n_of 4000)
	for sw in direct intnet bridge; do
		ip tuntap add mode tap name ta vnet_hdr || die "cannot create TAP ta"
		ip tuntap add mode tap name tb vnet_hdr || die "cannot create TAP tb"
		ip link set dev ta up
		ip link set dev tb up
		sw_connect $sw ta tb
		for ((r = 1; r <= ROUNDS; r++)); do
			res=$("$BUILD/bench/tapgso" ta tb $DST "$frames") || die "tapgso through $sw failed"
			gbps=$(echo "$res" | sed -n 's/.* gbps \([0-9.]*\)$/\1/p')
			[ -n "$gbps" ] || die "tapgso: no result in '$res'"
			say "b. TAP GSO 64 KB: $sw round $r/$ROUNDS: $gbps Gbit/s ($res)"
			record tap_gso 64KB $sw "$r" "$gbps" Gbit/s
		done
		sw_destroy $sw
		del_links ta tb
		check_dmesg "b. TAP GSO $sw"
	done
}

# g. NAT: TCP from a "VM" (a namespace on a veth port) through intnet-nat to an iperf3
# server on the guest's loopback (10.0.2.2 is the gateway's way there), next to the same
# transfer from a namespace through slirp4netns (its own TAP, no switch): both are
# libslirp, MTU 1500. Also the gateway process's CPU time per GB moved (utime + stime,
# in guest time too).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
nat_rounds() { # NS SWITCH PID
	local r out gbps bytes t0 t1 hz cpu
	hz=$(getconf CLK_TCK)
	for ((r = 1; r <= ROUNDS; r++)); do
		t0=$(cpu_ticks "$3")
		out=$(ip netns exec "$1" iperf3 -c 10.0.2.2 -p 5202 -t 2 -J) || die "iperf3 through $2"
		t1=$(cpu_ticks "$3")
		gbps=$(echo "$out" | json_eval '"%.3f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9)')
		bytes=$(echo "$out" | json_eval 'j["end"]["sum_received"]["bytes"]')
		cpu=$(python3 -c "print('%.3f' % (($t1 - $t0) / $hz / ($bytes / 1e9)))")
		say "g. NAT TCP to loopback: $2 round $r/$ROUNDS: $gbps Gbit/s, $cpu CPU s/GB"
		record nat tcp "$2" "$r" "$gbps" Gbit/s
		record nat_cpu tcp "$2" "$r" "$cpu" CPU-s/GB
	done
}
case_nat() {
	local pid i
	command -v slirp4netns >/dev/null || die "no slirp4netns (make deps)"
	iperf3 -s -B 127.0.0.1 -p 5202 -D -I /tmp/bench-iperf3.pid || die "iperf3 server"
	intnetctl net add natb >/dev/null || die "intnetctl net add natb"
	ip netns add natvm
	ip link add nv0 type veth peer name eth0 netns natvm
	ip link set nv0 up
	ip -n natvm link set eth0 up
	ip -n natvm addr add 10.0.2.15/24 dev eth0
	ip -n natvm route add default via 10.0.2.2
	intnetctl port add nv0 net natb || die "intnetctl port add nv0"
	intnet-nat natb ipv6=off probe=off >/tmp/bench-nat.log 2>&1 &
	pid=$!
	for i in $(seq 100); do grep -q "gateway for" /tmp/bench-nat.log && break; sleep 0.1; done
	grep -q "gateway for" /tmp/bench-nat.log || die "intnet-nat: $(cat /tmp/bench-nat.log)"
	nat_rounds natvm intnet-nat $pid
	kill $pid
	wait $pid || die "intnet-nat did not exit cleanly"
	ip netns del natvm
	intnetctl net del natb
	ip netns add s4n
	slirp4netns --configure --mtu=1500 --disable-dns --netns-type=path /run/netns/s4n tap0 \
		>/tmp/bench-s4n.log 2>&1 &
	pid=$!
	for i in $(seq 100); do ip -n s4n -4 addr show tap0 2>/dev/null | grep -q inet && break; sleep 0.1; done
	nat_rounds s4n slirp4netns $pid
	kill $pid
	wait $pid 2>/dev/null || true
	ip netns del s4n
	kill "$(cat /tmp/bench-iperf3.pid)"
	check_dmesg "g. NAT"
}

# c. Broadcast flooding with 2, 8, 32, 128 ports: in0 and N-1 egress dummies.
case_flood() {
	local sw n have count egress i
	for sw in intnet bridge; do
		dummy in0 02:00:00:00:01:00
		dummies fl 1 127
		sw_create $sw
		sw_ports $sw in0
		have=1
		for n in 2 8 32 128; do
			egress=()
			for ((i = have; i < n; i++)); do egress+=("fl$i"); done
			sw_ports $sw "${egress[@]}"
			have=$n
			egress=()
			for ((i = 1; i < n; i++)); do egress+=("fl$i"); done
			count=$(n_of $((n <= 8 ? 100000 / (n / 2) : 400000 / n)))
			pg_setup in0 netif_receive 60 "$count" ff:ff:ff:ff:ff:ff
			rounds flood "$n" $sw "c. flood $n ports" in0 "$count" "${egress[@]}"
		done
		sw_destroy $sw
		del_links in0
		for ((i = 1; i < 128; i++)); do echo "link del fl$i"; done | ip -batch -
		check_dmesg "c. flood $sw"
	done
}

# d. 64 B unicast with 16, 1,024, 65,536 learned entries (learned from lrn0 by pktgen
# with as many source addresses), then e. dumping them and f. their memory.
case_fdb() {
	local sw n learned count d before after slabs_before r t0 t1 ms
	count=$(n_of 100000)
	for sw in intnet bridge; do
		dummy in0 02:00:00:00:01:00
		dummy out0 02:00:00:00:02:00
		dummy lrn0 02:00:00:00:03:00
		sw_create $sw fdb-max 70000 port-fdb-max 70000
		sw_ports $sw in0 out0 lrn0
		sw_static $sw $DST out0
		for n in 16 1024 65536; do
			if [ $n = 65536 ]; then
				before=$(mem_snapshot)
				slabs_before=$(mktemp)
				slab_by_cache >"$slabs_before"
			fi
			pg_setup lrn0 netif_receive 60 $n $DST $LEARN_BASE $n
			pg_run lrn0 $n out0 >/dev/null
			if [ $n = 65536 ]; then
				after=$(mem_snapshot)
				slab_by_cache >"$slabs_before.after"
				mem_record fdb_entry $sw $((65536 - 1024)) "$before" "$after"
				slab_growth "$slabs_before" "$slabs_before.after"
				rm -f "$slabs_before" "$slabs_before.after"
			fi
			learned=$(fdb_count $sw)
			[ "${learned:-0}" -ge $n ] || die "$sw: $learned FDB entries after learning $n"
			say "d. FDB $n: $sw holds $learned entries"
			pg_setup in0 netif_receive 60 "$count" $DST
			rounds fdb "$n" $sw "d. unicast 64B, FDB $n" in0 "$count" out0
		done

		# e. Dump the table, as JSON, the way a management tool would.
		case $sw in
		intnet) d=(intnetctl -j fdb show net lab) ;;
		bridge) d=(bridge -j fdb show br br0) ;;
		esac
		learned=$("${d[@]}" | grep -o '"02:10:' | wc -l)
		[ "$learned" -ge 65536 ] || die "$sw: the dump shows $learned of 65536 learned entries"
		for ((r = 1; r <= ROUNDS; r++)); do
			t0=$EPOCHREALTIME
			"${d[@]}" >/dev/null || die "${d[*]} failed"
			t1=$EPOCHREALTIME
			ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
			say "e. dump 65536 FDB entries: $sw round $r/$ROUNDS: $ms ms"
			record fdb_dump 65536 $sw "$r" "$ms" ms
		done
		sw_destroy $sw
		del_links in0 out0 lrn0
		check_dmesg "d. FDB $sw"
	done
}

# f. The memory a port takes (BENCH_PORTS_MEM attached at once), then e. ports added
# and removed per second (BENCH_PORTS of them, one command per port, as a tool would).
attach_all() { # SWITCH N
	local i
	case $1 in
	intnet) for ((i = 1; i <= $2; i++)); do intnetctl port add cp$i net lab; done ;;
	bridge) for ((i = 1; i <= $2; i++)); do ip link set dev cp$i master br0; done ;;
	esac
}

detach_all() { # SWITCH N
	local i
	case $1 in
	intnet) for ((i = 1; i <= $2; i++)); do intnetctl port del cp$i; done ;;
	bridge) for ((i = 1; i <= $2; i++)); do ip link set dev cp$i nomaster; done ;;
	esac
}

case_ports() {
	local sw r i t0 t1 t2 before after rate_add rate_del
	local n=${BENCH_PORTS:-200} nmem=${BENCH_PORTS_MEM:-1000}
	dummies cp 1 "$((n > nmem ? n : nmem))"
	for sw in intnet bridge; do
		sw_create $sw
		before=$(mem_snapshot)
		attach_all $sw "$nmem"
		after=$(mem_snapshot)
		mem_record port $sw "$nmem" "$before" "$after"
		detach_all $sw "$nmem"
		for ((r = 1; r <= ROUNDS; r++)); do
			t0=$EPOCHREALTIME
			attach_all $sw "$n"
			t1=$EPOCHREALTIME
			detach_all $sw "$n"
			t2=$EPOCHREALTIME
			rate_add=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.0f", n / (b - a) }')
			rate_del=$(awk -v a="$t1" -v b="$t2" -v n="$n" 'BEGIN { printf "%.0f", n / (b - a) }')
			say "e. ports: $sw round $r/$ROUNDS: $rate_add added/s, $rate_del removed/s ($n ports)"
			record port_ops add "$sw" "$r" "$rate_add" ports/s
			record port_ops del "$sw" "$r" "$rate_del" ports/s
		done
		sw_destroy $sw
		check_dmesg "e. ports $sw"
	done
	for ((i = 1; i <= (n > nmem ? n : nmem); i++)); do echo "link del cp$i"; done | ip -batch -
}

# h. The uplink (issue 19): the host's NIC up0, a veth whose peer lan0 is the LAN in
# namespace blan (the host 10.99.0.2, the LAN 10.99.0.1), and a VM on vp0, a veth whose
# peer is the VM's eth0 in namespace bvm. Both far ends drop what they get at tc ingress,
# so that the rates are the near side's. Host transmit: pktgen queue_xmit on up0 (the
# host stack's way out, through the egress hook) to the LAN; host receive: pktgen
# netif_receive on up0 (frames as the NIC hands them up) to the host's address, a UDP
# port without a listener; each without and with the uplink attached (a VM port on the
# network, the VM's MAC in its FDB). Then LAN-to-VM frames in at up0 to the VM's MAC:
# through the uplink, and through a bridge with up0 and vp0 as members.
UL_HOST=02:00:00:00:98:02
UL_LAN=02:00:00:00:98:01
UL_VM=02:00:00:00:98:11
udp_noports() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "NoPorts") c = i; h = 1 } else print $c }' /proc/net/snmp; }
ns_drop() { # NS DEV: everything DEV receives is dropped at tc ingress
	ip netns exec "$1" tc qdisc add dev "$2" clsact || die "tc qdisc add dev $2 clsact in $1"
	ip netns exec "$1" tc filter add dev "$2" ingress matchall action drop ||
		die "tc drop on $2 in $1"
}
ul_netns() { # NS: a namespace without IPv6 (no router solicitations during the rounds)
	ip netns add "$1"
	ip netns exec "$1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}
uplink_host_rounds() { # VARIANT: the host's transmit and receive rates
	local count n0 n1 want
	count=$(n_of 100000)
	pg_setup up0 queue_xmit 60 "$count" $UL_LAN "$UL_HOST" 0 "${UNSHARED:+fresh}"
	pg_write "$pg/up0" "dst 10.99.0.1"
	pg_write "$pg/up0" "src_min 10.99.0.2"
	pg_write "$pg/up0" "src_max 10.99.0.2"
	rounds uplink_host tx "$1" "h. host transmit 64 B, $1" up0 "$count" up0
	pg_setup up0 netif_receive 60 "$count" $UL_HOST "$UL_LAN" 0 "${UNSHARED:+fresh}"
	n0=$(udp_noports)
	rounds uplink_host rx "$1" "h. host receive 64 B, $1" up0 "$count"
	n1=$(udp_noports)
	want=$((count / 10 > 0 ? count / 10 + ROUNDS * count : 1 + ROUNDS * count))
	[ $((n1 - n0)) = "$want" ] ||
		die "host receive, $1: UDP counted $((n1 - n0)) of $want frames for no port"
}
# The host's own UDP transmit as an application does it (bench/udpsend: a connected
# socket, sendmmsg() of 64 datagrams a call, 18 bytes each: the 60-byte frames pktgen
# sends) from the root namespace to the LAN's address, through up0; udpsend times its
# sends by CLOCK_MONOTONIC, which counts instructions here.
uplink_socket_rounds() { # VARIANT
	local count r res pps before sent
	count=$(n_of 100000)
	udpsend 10.99.0.1 9 $((count / 10 > 0 ? count / 10 : 1)) >/dev/null ||
		die "udpsend (warm-up), $1"
	for ((r = 1; r <= ROUNDS; r++)); do
		before=$(stat_of up0 tx_packets)
		res=$(udpsend 10.99.0.1 9 "$count") || die "udpsend, $1: $res"
		sent=$(($(stat_of up0 tx_packets) - before))
		[ "$sent" = "$count" ] ||
			die "host socket transmit, $1: up0 transmitted $sent of $count frames"
		pps=$(echo "$res" | sed -n 's/.* pps \([0-9]*\)$/\1/p')
		[ -n "$pps" ] || die "udpsend, $1: no rate in '$res'"
		say "h. host socket transmit 64 B, $1 round $r/$ROUNDS: $pps pps"
		record uplink_host tx-socket "$1" "$r" "$pps" pps
	done
}
case_uplink() {
	local count
	ul_netns blan
	ul_netns bvm
	ip link add up0 type veth peer name lan0 netns blan || die "cannot create veth up0/lan0"
	ip link set dev up0 address $UL_HOST up
	ip addr add 10.99.0.2/24 dev up0
	ip neigh replace 10.99.0.1 lladdr $UL_LAN dev up0
	ip -n blan link set dev lan0 address $UL_LAN up
	ip -n blan addr add 10.99.0.1/24 dev lan0
	ns_drop blan lan0
	ip link add vp0 type veth peer name eth0 netns bvm || die "cannot create veth vp0/eth0"
	ip link set dev vp0 up
	ip -n bvm link set dev eth0 address $UL_VM up
	ns_drop bvm eth0
	count=$(n_of 100000)

	uplink_host_rounds none
	# What the netdev egress hook costs by itself: an empty nftables egress chain.
	if command -v nft >/dev/null; then
		nft add table netdev ulbench || die "nft add table netdev ulbench"
		nft add chain netdev ulbench eg "{ type filter hook egress device up0 priority 0; }" ||
			die "nft: an egress chain on up0"
		pg_setup up0 queue_xmit 60 "$count" $UL_LAN "$UL_HOST" 0 "${UNSHARED:+fresh}"
		rounds uplink_host tx nft-egress "h. host transmit 64 B, an empty nft egress chain" \
			up0 "$count" up0
		nft delete table netdev ulbench || die "nft delete table netdev ulbench"
	fi
	sw_create intnet
	sw_port intnet vp0
	sw_static intnet $UL_VM vp0
	intnetctl port add up0 net lab uplink || die "intnetctl port add up0 net lab uplink"
	uplink_host_rounds uplink
	check_dmesg "h. host rates with the uplink"

	# LAN to VM: through the uplink, through up0 as a plain port of the network (the
	# uplink's own cost), through a bridge.
	pg_setup up0 netif_receive 60 "$count" $UL_VM "$UL_LAN" 0 "${UNSHARED:+fresh}"
	rounds uplink_vm 64B intnet "h. LAN to VM 64 B" up0 "$count" vp0
	intnetctl port del up0 || die "intnetctl port del up0"
	sw_port intnet up0
	pg_setup up0 netif_receive 60 "$count" $UL_VM "$UL_LAN" 0 "${UNSHARED:+fresh}"
	rounds uplink_vm 64B intnet-port "h. LAN to VM 64 B, up0 a plain port" up0 "$count" vp0
	intnetctl port del up0 || die "intnetctl port del up0"
	intnetctl port del vp0 || die "intnetctl port del vp0"
	sw_destroy intnet
	sw_create bridge
	sw_ports bridge up0 vp0
	sw_static bridge $UL_VM vp0
	pg_setup up0 netif_receive 60 "$count" $UL_VM "$UL_LAN" 0 "${UNSHARED:+fresh}"
	rounds uplink_vm 64B bridge "h. LAN to VM 64 B" up0 "$count" vp0
	sw_destroy bridge
	check_dmesg "h. LAN to VM"

	# The host's UDP socket transmit, without and with the uplink (as above: a VM
	# port on lab with its MAC in the FDB).
	PATH="$BUILD/bench:$PATH" localize udpsend
	uplink_socket_rounds none
	sw_create intnet
	sw_port intnet vp0
	sw_static intnet $UL_VM vp0
	intnetctl port add up0 net lab uplink || die "intnetctl port add up0 net lab uplink"
	uplink_socket_rounds uplink
	intnetctl port del up0 || die "intnetctl port del up0"
	intnetctl port del vp0 || die "intnetctl port del vp0"
	sw_destroy intnet
	check_dmesg "h. host socket transmit"
	ip netns del blan
	ip netns del bvm
	del_links up0 vp0
}

# --- main ---------------------------------------------------------------------------------

: >"$raw"
record meta kernel - - "$(uname -r)" -
record meta date - - "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" -
record meta command - - "${BENCH_COMMAND:-bench/bench.sh}" -
record meta lane - - "${INTNET_LANE:-?}" -
record meta rounds - - "$ROUNDS" -
record meta scale - - "$SCALE" -

# Quiet ports: no IPv6 autoconfiguration traffic on the devices we make.
sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
modprobe dummy numdummies=0 || die "modprobe dummy"
for m in veth bridge pktgen sch_ingress act_mirred cls_matchall; do
	modprobe $m || die "modprobe $m"
done
[ -w $pg/pgctrl ] || die "no $pg/pgctrl after modprobe pktgen"
[ -e $pg/kpktgend_0 ] || die "no pktgen thread kpktgend_0"
[ -x "$BUILD/bench/tapgso" ] || die "no $BUILD/bench/tapgso (make bench builds it)"
[ -x "$BUILD/bench/udpsend" ] || die "no $BUILD/bench/udpsend (make bench builds it)"
grep -q '^intnet ' /proc/modules || die "intnet is not loaded"
command -v intnetctl >/dev/null || die "intnetctl is not on PATH"
localize intnetctl ip bridge
UNSHARED=
if pg_has_unshared; then
	UNSHARED=1
else
	say "pktgen here always shares its skb: no unshared-frame variant"
fi

say "intnet benchmark on $(uname -r), $ROUNDS rounds a case"
check_dmesg boot
for c in ${BENCH_CASES:-unicast_dummy unicast_veth tap_gso flood fdb ports nat uplink}; do
	"case_$c"
	# The bridge must stay free of netfilter, or it is not the bridge we compare with.
	[ ! -d /sys/module/br_netfilter ] || die "br_netfilter got loaded"
done
check_dmesg "the last case"
say "done"
