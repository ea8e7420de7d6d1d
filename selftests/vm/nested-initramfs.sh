#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the initramfs of the tiny guest that nested_qemu.sh boots inside the test guest:
# busybox, the modules virtio-net needs for kernel KVER (decompressed: busybox insmod
# cannot read .ko.xz) and an /init that brings eth0 up, pings a peer, waits for one line
# over TCP and powers off. What to do comes from the kernel command line:
#
#   nq_addr=ADDR/LEN   eth0's address
#   nq_peer=ADDR       whom to ping (3 echo requests)
#   nq_port=PORT       TCP port to wait on for one line once the pings are done
#
# The console says what happened, one "NESTED: ..." line per step:
#
#   NESTED: init at Ns        /init started N seconds after the kernel
#   NESTED: eth0 MAC          eth0 exists, with this address
#   NESTED: ping S/R          S echo requests sent, R replies
#   NESTED: listening PORT    ready for the line
#   NESTED: got TEXT          the line that came in
#
#   nested-initramfs.sh KVER OUT.cpio
set -euo pipefail

kver=$1 out=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$stage/bin/busybox"
: >"$stage/modules.list"

# A kernel with everything built in has no modules directory: nothing to load.
if [ -d "/lib/modules/$kver/kernel" ]; then
	for m in $({
		modprobe -S "$kver" --show-depends virtio_pci
		modprobe -S "$kver" --show-depends virtio_net
	} | awk '$1 == "insmod" { print $2 }'); do
		base=$(basename "$m")
		case $base in
		*.xz) xz -dc "$m" >"$stage/lib/modules/${base%.xz}" && base=${base%.xz} ;;
		*.zst) zstd -qdc "$m" >"$stage/lib/modules/${base%.zst}" && base=${base%.zst} ;;
		*) cp "$m" "$stage/lib/modules/$base" ;;
		esac
		grep -qxF "$base" "$stage/modules.list" || echo "$base" >>"$stage/modules.list"
	done
fi

cat >"$stage/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "NESTED: $*"; }
stop() { reboot -f; sleep 10; }
say "init at $(cut -d ' ' -f 1 /proc/uptime)s"

for m in $(cat /modules.list); do
	insmod "/lib/modules/$m" || say "insmod $m failed"
done
for arg in $(cat /proc/cmdline); do
	case $arg in nq_*=*) eval "${arg%%=*}=${arg#*=}" ;; esac
done

i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do
	usleep 100000
	i=$((i + 1))
done
[ -e /sys/class/net/eth0 ] || { say "no eth0"; stop; }
say "eth0 $(cat /sys/class/net/eth0/address)"
ip link set lo up
ip link set eth0 up
ip addr add "$nq_addr" dev eth0

ping -c 3 -i 0.5 -W 10 "$nq_peer" >/tmp/ping 2>&1
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' /tmp/ping)
got=$(sed -n 's/.*transmitted, \([0-9]*\) packets received.*/\1/p' /tmp/ping)
say "ping ${sent:-0}/${got:-0}"

say "listening $nq_port"
line=$(nc -l -p "$nq_port" | head -n 1)
say "got $line"
stop
EOF
chmod +x "$stage/init"
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc --quiet) >"$out"
