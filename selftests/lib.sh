# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# TAP output for the shell selftests. Source it, call plan N, then one check per result.

_tap_n=0
_tap_failed=0

plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $1"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=1
	echo "not ok $_tap_n $1"
}

# check DESC CMD [ARGS...]: passes when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
	fi
}

finish() {
	exit $_tap_failed
}

# A kernel report of any kind, checker or not; check.sh fails a lane on one in dmesg.
# (A device whose references never drop, a leak no checker sees, makes the last one.)
kernel_report_re='BUG:|WARNING:|Oops|KASAN|UBSAN|kmemleak:.*suspected memory leak|unreferenced object|INFO: task .* blocked|possible (circular|recursive) locking|suspicious RCU usage|general protection fault|Kernel panic|Call Trace|unregister_netdevice: waiting for'

# How many lines of dmesg so far are part of a kernel report.
kernel_reports() {
	dmesg | grep -cE "$kernel_report_re"
}

# as_uid UID CMD [ARGS...]: CMD as the unprivileged user UID (group UID, no others).
as_uid() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

# logged LOG CMD [ARGS...]: CMD's output goes to LOG; if CMD fails, says so and shows
# LOG as TAP comments. Returns 0 or 1.
logged() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 && return 0
	echo "# failed: $*"
	sed 's/^/#   /' "$log"
	return 1
}

# ---- Cleaning up: what a test made goes when it ends, however it ends ----

_at_exit=()
_on_exit() {
	local i
	for ((i = ${#_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${_at_exit[i]}"
	done
}
trap _on_exit EXIT

# at_exit CMD [ARGS...]: run CMD with these ARGS when the test exits, the last
# registered first.
at_exit() {
	_at_exit+=("$(printf '%q ' "$@")")
}

# at_exit_late CODE: evaluate CODE at exit, so that its variables have their
# last values (a list of processes that grows, say).
at_exit_late() {
	_at_exit+=("$1")
}

# The things tests make, undone quietly (what is already gone is no error).
del_netns() {
	local n
	for n; do ip netns del "$n" 2>/dev/null; done
	return 0
}

# (One ip for all: under TCG every program started costs some 70 ms.)
del_links() {
	[ $# = 0 ] || printf 'link del %s\n' "$@" | ip -force -batch - 2>/dev/null
	return 0
}

del_nets() {
	local n
	for n; do intnetctl net del "$n" 2>/dev/null; done
	return 0
}

stop_pids() {
	local p
	for p; do [ -z "$p" ] || kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	return 0
}

# fresh_netns NAME...: namespaces the test owns: any left by an earlier run go
# now, and they go again when the test exits.
fresh_netns() {
	del_netns "$@"
	at_exit del_netns "$@"
}

# json_eval EXPR: the JSON on stdin as "j"; prints the Python expression EXPR
# of it, e.g. intnetctl -j net show lab | json_eval 'j[0]["ageing"]'. After
# json_serve, one Python process answers them all; else each starts Python.
json_eval() {
	local text reply
	if [ -z "${_json_dir:-}" ] || ! kill -0 "$_json_pid" 2>/dev/null; then
		python3 -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
		return
	fi
	IFS= read -rd '' text
	printf '%s\0%s' "$1" "$text" >"$_json_dir/req"
	IFS= read -rd '' reply <"$_json_dir/resp"
	if [ "${reply:0:1}" = 0 ]; then
		printf '%s' "${reply:1}"
	else
		printf '%s' "${reply:1}" >&2
		return 1
	fi
}

# json_serve: from now on json_eval asks one Python process, started here, which
# reads EXPR and the JSON from the FIFO req and answers on resp: "0" and what print
# would print, or "1" and the traceback. (Under TCG each start of Python costs
# 0.5-3 s.) Not a child of the test (started from a command substitution): a
# test's wait waits not for it. Its output goes nowhere: if it is left behind, it
# holds no pipe open.
json_serve() {
	_json_dir=$(mktemp -d)
	mkfifo "$_json_dir/req" "$_json_dir/resp"
	_json_pid=$(python3 -c '
import json, sys, traceback
d = sys.argv[1]
while True:
    with open(d + "/req") as f:
        expr, _, text = f.read().partition("\0")
    try:
        j = json.loads(text)
        reply = "0%s\n" % (eval(expr),)
    except Exception:
        reply = "1" + traceback.format_exc()
    with open(d + "/resp", "w") as f:
        f.write(reply)
' "$_json_dir" >/dev/null 2>&1 </dev/null &
		echo $!)
	at_exit rm -rf "$_json_dir"
	at_exit kill "$_json_pid"
}

# sort_words WORD...: the words sorted (as sort(1) orders them in the C locale), on
# one line; first_words: the first word of each line on stdin, on one line. Bash
# alone: under TCG every program run costs.
sort_words() {
	local i j t words=("$@")
	for ((i = 1; i < ${#words[@]}; i++)); do
		for ((j = i; j > 0; j--)); do
			[[ ${words[j - 1]} > ${words[j]} ]] || break
			t=${words[j]} words[j]=${words[j - 1]} words[j - 1]=$t
		done
	done
	echo "${words[*]}"
}
first_words() {
	local w words=()
	while read -r w _; do words+=("$w"); done
	echo "${words[*]}"
}

# batch_split FILE: the stderr of an `intnetctl -force -batch` in FILE, split by its
# "Command failed NAME:LINE" lines: batch_rc[LINE] is 1 for a line that failed (else
# unset), batch_err[LINE] what it printed before (several lines joined by newlines).
# Bash alone: no program is run.
# shellcheck disable=SC2034 # the caller's
batch_split() {
	local line text=
	batch_rc=() batch_err=()
	while IFS= read -r line; do
		if [[ $line =~ ^Command\ failed\ .*:([0-9]+)$ ]]; then
			batch_rc[BASH_REMATCH[1]]=1
			batch_err[BASH_REMATCH[1]]=$text
			text=
		else
			text+=${text:+$'\n'}$line
		fi
	done <"$1"
}

# nap SECS: sleep(1) without running it: a read that times out on a pipe no one writes.
nap() {
	[ -n "${_nap_fd:-}" ] || exec {_nap_fd}<> <(:)
	read -rt "$1" -u "$_nap_fd"
	return 0
}

module_loaded() {
	grep -q '^intnet ' /proc/modules
}

load_module() {
	module_loaded || insmod "${INTNET_KO:?INTNET_KO is not set}"
}

# ---- intnet-qemu-helper, as install-tools installs it ----

QEMU_HELPER=/usr/local/libexec/intnet-qemu-helper
QEMU_HELPER_ACL=/etc/intnet/qemu-helper.conf

# qemu_helper_setup DIR LINE [append]: the helper installed (with CAP_NET_ADMIN)
# unless one is, its ACL made LINE alone (or LINE appended), /dev/net/tun open to
# all; at exit the helper goes if it was installed here and the ACL is put back
# (saved in DIR meanwhile).
qemu_helper_setup() {
	local dir=$1 line=$2 how=${3:-} build
	build=${BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}
	if [ ! -e "$QEMU_HELPER" ]; then
		mkdir -p "$(dirname "$QEMU_HELPER")"
		install -m 0755 "$build/bin/intnet-qemu-helper" "$QEMU_HELPER"
		setcap cap_net_admin+ep "$QEMU_HELPER"
		at_exit rm -f "$QEMU_HELPER"
	fi
	mkdir -p "$(dirname "$QEMU_HELPER_ACL")"
	if [ -f "$QEMU_HELPER_ACL" ]; then
		cp "$QEMU_HELPER_ACL" "$dir/acl.saved"
		at_exit cp "$dir/acl.saved" "$QEMU_HELPER_ACL"
	else
		at_exit rm -f "$QEMU_HELPER_ACL"
	fi
	if [ "$how" = append ]; then
		echo "$line" >>"$QEMU_HELPER_ACL"
	else
		echo "$line" >"$QEMU_HELPER_ACL"
	fi
	chmod 0666 /dev/net/tun
}
