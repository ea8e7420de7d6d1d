#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every test under selftests/ inside the guest: the shell tests (selftests/*.sh) and
# the C tests built from selftests/*.c. Each writes TAP to DIR/NAME.tap, its exit status
# to DIR/NAME.rc, its run time in seconds to DIR/NAME.secs; check.sh on the host does
# the counting.
#
#   INTNET_TESTS   run only these tests (names without .sh; make fuzz runs "fuzz")
#   INTNET_QUEUE   a folder shared with other guests of the same lane (check.sh makes
#                  it): the tests are taken in the order its file "order" gives, and a
#                  guest runs a test only if it is the first to create claims/NAME
#   TEST_TIMEOUT   seconds a test may take (default 300; 900 on the debug lane, whose
#                  kernel runs the same work 3-10 times slower)
set -u
dir=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$repo/build}
mkdir -p "$dir"

tests=()
for t in "$repo"/selftests/*.sh; do
	[ -x "$t" ] && tests+=("$t")
done
for c in "$repo"/selftests/*.c; do
	tests+=("$build/selftests/$(basename "$c" .c)")
done
if [ -n "${INTNET_TESTS:-}" ]; then
	only=()
	for t in "${tests[@]}"; do
		name=$(basename "$t")
		case " $INTNET_TESTS " in *" ${name%.sh} "*) only+=("$t") ;; esac
	done
	tests=("${only[@]}")
fi
if [ -n "${INTNET_QUEUE:-}" ]; then
	# Claimed anywhere but on the host, every test would run in every guest.
	if ! mountpoint -q "$INTNET_QUEUE"; then
		echo "not ok 1 run-tests: the test queue $INTNET_QUEUE is not mounted from the host"
		exit 1
	fi
	declare -A path
	for t in "${tests[@]}"; do
		base=${t##*/}
		path[${base%.sh}]=$t
	done
	tests=()
	while read -r name; do
		[ -z "${path[$name]:-}" ] || tests+=("${path[$name]}")
		unset "path[$name]"
	done <"$INTNET_QUEUE/order"
	# A test the order leaves out still runs, last.
	tests+=("${path[@]}")
fi
# Exported: a test may stop itself cleanly before it is killed (fuzz does).
limit=300
[ "${INTNET_LANE:-}" != debug ] || limit=900
export TEST_TIMEOUT=${TEST_TIMEOUT:-$limit}

worst=0
for t in "${tests[@]}"; do
	name=$(basename "$t")
	name=${name%.sh}
	# mkdir is atomic on the host's file system: one guest wins each test.
	if [ -n "${INTNET_QUEUE:-}" ] && ! mkdir "$INTNET_QUEUE/claims/$name" 2>/dev/null; then
		continue
	fi
	echo "# === $name"
	if [ ! -x "$t" ]; then
		echo "not ok 1 $name: $t was not built" | tee "$dir/$name.tap"
		echo 127 >"$dir/$name.rc"
		worst=1
		continue
	fi
	start=$(date +%s)
	timeout -k 5 "$TEST_TIMEOUT" "$t" 2>&1 | tee "$dir/$name.tap"
	rc=${PIPESTATUS[0]}
	echo "$rc" >"$dir/$name.rc"
	echo $(($(date +%s) - start)) >"$dir/$name.secs"
	[ "$rc" = 0 ] || worst=1
	# A test that unloads intnet must put it back; if it didn't, the next one still runs.
	if ! grep -q '^intnet ' /proc/modules; then
		echo "# $name left intnet unloaded; loading it again"
		insmod "$INTNET_KO"
	fi
done
exit $worst
