#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: for each lane, boot a guest that runs every selftest, then count the TAP
# results, and fail the lane on a hang, a non-zero test, or any kernel report in dmesg.
# The last line is "N passed, N failed" over all lanes.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export BUILD=${BUILD:-$repo/build}
lanes=("$@")
[ ${#lanes[@]} -gt 0 ] || lanes=(6.1 6.12 debug)

# kernel_report_re: what counts as a kernel report, shared with the shell tests.
# shellcheck source=../lib.sh
. "$repo/selftests/lib.sh"

total_pass=0 total_fail=0 total_skip=0
summary=()

# Every test, or those INTNET_TESTS names (run-tests.sh runs the same ones).
expected_tests() {
	local t c
	{
		for t in "$repo"/selftests/*.sh; do
			[ -x "$t" ] && basename "$t" .sh
		done
		for c in "$repo"/selftests/*.c; do
			basename "$c" .c
		done
	} | while read -r t; do
		case " ${INTNET_TESTS:-$t} " in *" $t "*) echo "$t" ;; esac
	done
}

# Host-side: the module passes checkpatch --strict and sparse, the C is formatted.
echo "=== host: lint"
if "$repo/scripts/lint.sh"; then
	total_pass=1
	summary+=("host lint: 1 passed, 0 failed")
else
	total_fail=1
	summary+=("host lint: 0 passed, 1 failed")
fi

# Host-side: the QEMU helper's ACL cases need no module: its test build runs them
# here as they run in the guests (the cases that need intnet report SKIP here).
case " ${INTNET_TESTS:-qemu_helper} " in *" qemu_helper "*)
	echo "=== host: qemu_helper ACL cases"
	tap=$BUILD/host-qemu_helper.tap
	"$BUILD/selftests/qemu_helper" -f acl >"$tap" 2>&1
	rc=$?
	p=$(grep -cE '^ok [0-9]+' "$tap" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$tap" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$tap" | tr -d ' ')
	p=$((p - s))
	[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f))
	summary+=("host qemu_helper ACL: $p passed, $f failed, $s skipped in the guests' stead (log: $tap)")
	[ "$f" = 0 ] || grep -E '^not ok|^# .*:[0-9]+:' "$tap" | head -n 20
	;;
esac

# Host-side: dkms builds intnet for each lane's kernel (the debug lane's with
# INTNET_FULL only); the guests' dkms test installs those builds.
case " ${INTNET_TESTS:-dkms} " in *" dkms "*)
	echo "=== host: dkms"
	dkms_lanes=(6.1 6.12)
	case " ${lanes[*]} " in *" debug "*) [ -z "${INTNET_FULL:-}" ] || dkms_lanes+=(debug) ;; esac
	if "$here/dkms-host.sh" "${dkms_lanes[@]}"; then
		total_pass=$((total_pass + 1))
		summary+=("host dkms: 1 passed, 0 failed")
	else
		total_fail=$((total_fail + 1))
		summary+=("host dkms: 0 passed, 1 failed")
	fi
	;;
esac

# The guests: one a lane, but the debug lane's tests, the slowest by far, are shared by
# DEBUG_GUESTS guests (default 2) when guests run side by side: each takes the next test
# of a queue nobody else has taken (run-tests.sh), so that they end together.
jobs_max=${LANE_JOBS:-2}
debug_guests=${DEBUG_GUESTS:-2}
[ "$jobs_max" -gt 1 ] || debug_guests=1
# No more guests than tests (make fuzz runs one).
n_tests=$(expected_tests | wc -l)
[ "$debug_guests" -le "$n_tests" ] || debug_guests=$((n_tests > 0 ? n_tests : 1))
guests=() guest_lane=()
for lane in "${lanes[@]}"; do
	if [ "$lane" = debug ] && [ "$debug_guests" -gt 1 ]; then
		for i in $(seq 1 "$debug_guests"); do
			guests+=("debug-$i") guest_lane+=(debug)
		done
	else
		guests+=("$lane") guest_lane+=("$lane")
	fi
done

# lane_guests LANE: the names of the lane's guests (its results folders under build/vm).
lane_guests() {
	local i
	for i in "${!guests[@]}"; do
		[ "${guest_lane[$i]}" != "$1" ] || echo "${guests[$i]}"
	done
}

# queue_order LANE: the lane's tests, longest first by the last run's times, so that the
# guests sharing them end together. Without a last run, the tests that were the debug
# lane's longest when this was written go first, the others in name order.
queue_order() {
	local lane=$1 name g secs best
	local slow=" stress cli_access ynl security module_load access tunnel cli_switch cli_tap host_port "
	for name in $(expected_tests); do
		best=
		for g in $(lane_guests "$lane"); do
			secs=$(cat "$BUILD/vm/$g/tests/$name.secs" 2>/dev/null) || continue
			[ -n "$best" ] && [ "$best" -ge "$secs" ] || best=$secs
		done
		if [ -z "$best" ]; then
			case $slow in
			*" $name "*) best=100 ;;
			*) best=0 ;;
			esac
		fi
		echo "$best $name"
	done | sort -k1,1rn -k2,2 | awk '{ print $2 }'
}

# run_guest GUEST LANE: boot the guest and run its tests; its wall time goes to
# GUEST/lane.secs.
run_guest() {
	local start rc name=$1 lane=$2
	start=$(date +%s)
	if [ "$name" = "$lane" ]; then
		"$here/vm.sh" check "$lane"
	else
		INTNET_QUEUE=$BUILD/vm/$lane-queue "$here/vm.sh" check "$lane" "$name"
	fi
	rc=$?
	mkdir -p "$BUILD/vm/$name"
	echo $(($(date +%s) - start)) >"$BUILD/vm/$name/lane.secs"
	[ "${3:-}" != quiet ] || echo "=== guest $name: finished after $(cat "$BUILD/vm/$name/lane.secs")s" >&3
	return $rc
}

# progress: while guests run side by side, say every minute how far each has come.
progress() {
	local n g line
	n=$(expected_tests | wc -l)
	while sleep 60; do
		line=
		for g in "${guests[@]}"; do
			[ ! -f "$BUILD/vm/$g/lane.secs" ] || continue
			line="$line $g $(find "$BUILD/vm/$g/tests" -name '*.rc' 2>/dev/null | wc -l)/$n"
		done
		echo "=== $(date +%H:%M:%S) tests done:$line"
	done
}

# A lane's queue, when its tests are shared: the order, and no claims yet.
for lane in "${lanes[@]}"; do
	[ "$(lane_guests "$lane" | wc -l)" -gt 1 ] || continue
	queue=$BUILD/vm/$lane-queue
	rm -rf "$queue"
	mkdir -p "$queue/claims"
	queue_order "$lane" >"$queue/order"
done

# Guests run side by side, LANE_JOBS at a time (default 2): a test guest keeps about one
# host core busy, so on a two-core machine the debug lane's guests, the longest, run
# first and the others after them. LANE_JOBS=1 runs one guest a lane, one after another,
# with the console on screen.
if [ "$jobs_max" -gt 1 ] && [ ${#guests[@]} -gt 1 ]; then
	# A guest's time limit allows for the core it shares (vm.sh: 900 s and 3600 s alone).
	export TIMEOUT=${TIMEOUT:-1800} DEBUG_TIMEOUT=${DEBUG_TIMEOUT:-4800}
	order=()
	for i in "${!guests[@]}"; do [ "${guest_lane[$i]}" != debug ] || order+=("$i"); done
	# The others longest first by their last run (lane.secs): the first debug guest to
	# end takes the longest, so that the last two end together.
	for i in $(for j in "${!guests[@]}"; do
		[ "${guest_lane[$j]}" = debug ] ||
			echo "$(cat "$BUILD/vm/${guests[$j]}/lane.secs" 2>/dev/null || echo 0) $j"
	done | sort -k1,1rn -k2,2n | awk '{ print $2 }'); do
		order+=("$i")
	done
	for g in "${guests[@]}"; do
		mkdir -p "$BUILD/vm/$g"
		rm -f "$BUILD/vm/$g/lane.secs" "$BUILD/vm/$g"/tests/*.rc
	done
	progress &
	ticker=$!
	running=0 pids=()
	for i in "${order[@]}"; do
		if [ "$running" -ge "$jobs_max" ]; then
			wait -n
			running=$((running - 1))
		fi
		g=${guests[$i]}
		echo "=== guest $g: booting (console: $BUILD/vm/$g/console.log)"
		run_guest "$g" "${guest_lane[$i]}" quiet 3>&1 >"$BUILD/vm/check-$g.log" 2>&1 &
		pids+=($!)
		running=$((running + 1))
	done
	wait "${pids[@]}"
	# Its sleep too, which would hold the output open for up to a minute.
	pkill -P "$ticker" sleep 2>/dev/null
	kill "$ticker" 2>/dev/null
	wait "$ticker" 2>/dev/null
else
	for i in "${!guests[@]}"; do
		echo "=== guest ${guests[$i]}: booting"
		run_guest "${guests[$i]}" "${guest_lane[$i]}"
	done
fi

for lane in "${lanes[@]}"; do
	mapfile -t lane_dirs < <(lane_guests "$lane" | sed "s|^|$BUILD/vm/|")
	pass=0 fail=0 skip=0
	problems=()

	for name in $(expected_tests); do
		out=${lane_dirs[0]}
		for d in "${lane_dirs[@]}"; do
			[ ! -f "$d/tests/$name.tap" ] || out=$d
		done
		tap=$out/tests/$name.tap
		if [ ! -f "$tap" ]; then
			problems+=("$name: did not run")
			fail=$((fail + 1))
			continue
		fi
		p=$(grep -cE '^ok [0-9]+' "$tap" | tr -d ' ')
		s=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$tap" | tr -d ' ')
		f=$(grep -cE '^not ok [0-9]+' "$tap" | tr -d ' ')
		p=$((p - s))
		plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tap" | head -n 1)
		rc=$(cat "$out/tests/$name.rc" 2>/dev/null || echo "none")
		if [ -z "$plan" ] || [ "$plan" != $((p + s + f)) ]; then
			problems+=("$name: planned ${plan:-nothing}, reported $((p + s + f))")
			f=$((f + 1))
		elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			problems+=("$name: exited with status $rc")
			f=$((f + 1))
		fi
		[ "$f" = 0 ] || problems+=("$name: $f failed")
		[ "$s" = 0 ] || problems+=("$name: $s skipped: $(grep -m 1 -E '^ok [0-9]+.*# *(SKIP|skip)' "$tap" | sed 's/.*# *[A-Za-z]* *//')")
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	done

	# Each guest's own checks, each counted as a test.
	for out in "${lane_dirs[@]}"; do
		g=${out##*/}
		if [ -f "$out/hung" ] || [ ! -s "$out/status" ]; then
			problems+=("guest $g did not finish (console: $out/console.log)")
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
		if [ -f "$out/dmesg.txt" ]; then
			found=$(grep -E "$kernel_report_re" "$out/dmesg.txt" | head -n 20)
		else
			found=$(grep -E "$kernel_report_re" "$out/console.log" 2>/dev/null | head -n 20)
			[ -n "$found" ] || found="no dmesg was saved"
		fi
		if [ -n "$found" ]; then
			problems+=("kernel reports in guest $g's dmesg ($out/dmesg.txt):" "$found")
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
		if [ "$lane" = debug ]; then
			if [ ! -f "$out/kmemleak.txt" ]; then
				problems+=("guest $g made no kmemleak scan")
				fail=$((fail + 1))
			elif [ -s "$out/kmemleak.txt" ]; then
				problems+=("kmemleak found leaks in guest $g ($out/kmemleak.txt):" "$(head -n 20 "$out/kmemleak.txt")")
				fail=$((fail + 1))
			else
				pass=$((pass + 1))
			fi
		fi
	done

	secs=
	for out in "${lane_dirs[@]}"; do
		secs="$secs${secs:+/}$(cat "$out/lane.secs" 2>/dev/null || echo "?")"
	done
	line="lane $lane: $pass passed, $fail failed, $skip skipped (${secs}s)"
	summary+=("$line")
	echo "=== $line"
	# Where the lane's time went: its slowest tests.
	slow=$(for d in "${lane_dirs[@]}"; do
		for f in "$d"/tests/*.secs; do
			[ -f "$f" ] && echo "$(cat "$f") $(basename "$f" .secs)"
		done
	done | sort -rn | head -n 5 | awk '{ printf "%s%s %ss", sep, $2, $1; sep = ", " }')
	[ -z "$slow" ] || echo "    slowest: $slow"
	for p in "${problems[@]}"; do
		echo "    $p"
	done
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail)) total_skip=$((total_skip + skip))
done

echo
echo "Summary:"
for l in "${summary[@]}"; do
	echo "  $l"
done
# The last line stays "N passed, N failed" (CI reads it); skips are said just above it,
# and each lane's line says where they were.
if [ "$total_skip" -gt 0 ]; then
	echo "$total_skip skipped (not counted as passed; see the lanes above)"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
