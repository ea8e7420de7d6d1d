#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: what intnet can do today, shown inside a test guest.
set -e
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "intnet demo on $(uname -r)"
step grep '^intnet ' /proc/modules
printf '\n\033[1m$ dmesg | grep intnet\033[0m\n'
dmesg -t | grep 'intnet '
step intnetctl version
step intnetctl -j version
echo
echo "# the family answers in every network namespace, to every user:"
step ip netns add demo
step ip netns exec demo setpriv --reuid 65534 --regid 65534 --clear-groups intnetctl version
