#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl: version over netlink, usage errors, and the "module not loaded" message.
. "$(dirname "$0")/lib.sh"

plan 12
load_module
modver=$(cat /sys/module/intnet/version)
cliver=$(intnetctl -V | awk '{print $2}')

out=$(intnetctl version)
expect_eq "version exits 0" 0 $?
expect_eq "version shows the module's version" "module    $modver" "$(echo "$out" | sed -n 2p)"
expect_eq "version shows the CLI's version" "intnetctl $cliver" "$(echo "$out" | sed -n 1p)"
expect_eq "version lists the features" "features  netns switch access events" "$(echo "$out" | sed -n 3p)"

json=$(intnetctl -j version)
expect_eq "-j version is JSON with the module's version" "$modver" \
	"$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["module"])')"

out=$(setpriv --reuid 65534 --regid 65534 --clear-groups intnetctl version 2>&1)
expect_eq "an unprivileged user reads the version" "module    $modver" "$(echo "$out" | sed -n 2p)"

intnetctl --help >/tmp/help.out 2>&1
expect_eq "--help exits 2" 2 $?
check "--help prints the usage" grep -q '^Usage: intnetctl' /tmp/help.out

err=$(intnetctl frobnicate 2>&1 >/dev/null)
expect_eq "an unknown command exits 2" 2 $?
expect_eq "an unknown command is named" "intnetctl: unknown command 'frobnicate'" \
	"$(echo "$err" | head -n 1)"

rmmod intnet
err=$(intnetctl version 2>&1)
rc=$?
load_module
expect_eq "without the module, version exits 1" 1 "$rc"
expect_eq "without the module, one clear line" \
	"intnet: kernel module not loaded (try: modprobe intnet)" "$err"
finish
