#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deps: install from Debian's packages everything the build, the tests, the demo
# and the debug kernel need. Does nothing (quickly) when all of it is there.
set -euo pipefail

pkgs=(
	# build
	build-essential pkg-config libnl-3-dev libnl-genl-3-dev sparse clang-format shellcheck
	# the test lanes' kernels and their headers: Debian 6.1 and 6.12
	linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64
	# the debug lane's kernel source, the kselftest harness and checkpatch
	linux-source-6.12 bc bison flex libelf-dev libssl-dev dwarves
	# the VM and what runs inside it
	qemu-system-x86 busybox-static cpio xz-utils zstd kmod iproute2 iputils-ping
	util-linux python3 iperf3 libcap2-bin
	# intnet-nat (userland/nat/) and its comparison in make bench
	libslirp-dev slirp4netns
	# the root alternative to it that README shows and selftests/nat_root.sh tests
	dnsmasq-base nftables
	# the YNL spec and the kernel's generic netlink client (tools/net/ynl)
	python3-yaml python3-jsonschema
	# DKMS (tested on the host and in the guests), the man pages
	dkms man-db groff-base
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing ${missing[*]}; run 'make deps' as root (or with sudo)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
