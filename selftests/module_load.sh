#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnet loads and unloads cleanly, again and again, and takes its family with it.
. "$(dirname "$0")/lib.sh"

cycles=50
plan 5

reports_before=$(kernel_reports)
load_module
unload_fail=0 gone_fail=0 load_fail=0 back_fail=0
for i in $(seq $cycles); do
	rmmod intnet || unload_fail=$((unload_fail + 1))
	if [ -e /sys/module/intnet ] || intnetctl version >/dev/null 2>&1; then
		gone_fail=$((gone_fail + 1))
	fi
	insmod "$INTNET_KO" || load_fail=$((load_fail + 1))
	intnetctl version >/dev/null || back_fail=$((back_fail + 1))
done

expect_eq "rmmod succeeds $cycles times" 0 "$unload_fail"
expect_eq "module and family are gone after each rmmod" 0 "$gone_fail"
expect_eq "insmod succeeds $cycles times" 0 "$load_fail"
expect_eq "family answers after each insmod" 0 "$back_fail"
expect_eq "no kernel report in dmesg during the cycles" "$reports_before" "$(kernel_reports)"
finish
